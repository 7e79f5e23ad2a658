using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Persistence;
using IdentityServer.SelfService.Flows;
using IdentityServer.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

public sealed class PostgresFlowTests(PostgresFlowFixture f) : FlowTests(f), IClassFixture<PostgresFlowFixture>;
public sealed class SqliteFlowTests(SqliteFlowFixture f) : FlowTests(f), IClassFixture<SqliteFlowFixture>;

/// <summary>
/// Login and registration over HTTP as browsers (cookie jar, form posts, redirects, AJAX) and native
/// apps (tokens) use them.
/// </summary>
public abstract class FlowTests(FlowFixture fixture)
{
    private static readonly string CsrfCookie = "csrf_token_" +
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("http://127.0.0.1:4433/")));

    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    [Fact]
    public async Task Browser_registration_by_form_post_signs_in_and_redirects()
    {
        using var browser = fixture.Browser();
        var flow = await StartBrowserFlow(browser, "registration");
        var cookie = browser.Cookies.GetAllCookies().Single(c => c.Name == CsrfCookie);
        Assert.True(cookie.HttpOnly);
        Assert.Equal("browser", flow["type"]!.GetValue<string>());
        Assert.Equal($"http://127.0.0.1:4433/self-service/registration?flow={Id(flow)}", flow["ui"]!["action"]!.GetValue<string>());

        var email = NewEmail();
        var reply = await browser.PostForm($"/self-service/registration?flow={Id(flow)}",
            [F("csrf_token", Csrf(flow)), F("traits.email", email), F("traits.name.first", "Ada"), F("password", Password), F("method", "password")]);
        Assert.True(reply.Status == HttpStatusCode.SeeOther, reply.ToString());
        Assert.Equal(FlowFixture.AppUrl + "/", reply.Location);
        Assert.NotNull(browser.Cookie("ory_kratos_session"));
        Assert.Equal(1, await CountIdentities(fixture.Admin, email));
    }

    [Fact]
    public async Task Browser_login_by_form_post_redirects_to_return_to_with_a_session_cookie()
    {
        var email = NewEmail();
        using (var app = fixture.Native()) await RegisterNative(app, email);
        using var browser = fixture.Browser();
        var flow = await StartBrowserFlow(browser, "login", "?return_to=https://app.example.com/dashboard/home");
        Assert.Equal("https://app.example.com/dashboard/home", flow["return_to"]!.GetValue<string>());
        var reply = await browser.PostForm($"/self-service/login?flow={Id(flow)}",
            [F("csrf_token", Csrf(flow)), F("identifier", email), F("password", Password), F("method", "password")]);
        Assert.True(reply.Status == HttpStatusCode.SeeOther, reply.ToString());
        Assert.Equal("https://app.example.com/dashboard/home", reply.Location);
        Assert.NotNull(browser.Cookie("ory_kratos_session"));
    }

    [Fact]
    public async Task Ajax_login_gets_json_with_the_session_and_a_redirect_hint()
    {
        var email = NewEmail();
        using (var app = fixture.Native()) await RegisterNative(app, email);
        using var browser = fixture.Browser();
        var init = await browser.GetJson("/self-service/login/browser");
        Assert.Equal(200, init.Code);
        var flow = init.Json;
        Assert.Equal("choose_method", flow["state"]!.GetValue<string>());
        Assert.Equal("aal1", flow["requested_aal"]!.GetValue<string>());

        var reply = await browser.PostJson($"/self-service/login?flow={Id(flow)}", LoginBody(email.ToUpperInvariant(), csrf: Csrf(flow)));
        Assert.True(reply.Code == 200, reply.ToString());
        Assert.NotNull(reply.Json["session"]!["id"]);
        Assert.Null(reply.Json["session_token"]);
        var redirect = reply.Json["continue_with"]!.AsArray().Single()!;
        Assert.Equal("redirect_browser_to", redirect["action"]!.GetValue<string>());
        Assert.Equal(FlowFixture.AppUrl + "/", redirect["redirect_browser_to"]!.GetValue<string>());

        // Signed in now: another login is refused as in Kratos, unless it is a refresh.
        var again = await browser.GetJson("/self-service/login/browser");
        Assert.Equal(400, again.Code);
        Assert.Equal("session_already_available", again.ErrorId);
        var redirected = await browser.GetBrowser("/self-service/login/browser");
        Assert.Equal(HttpStatusCode.SeeOther, redirected.Status);
        Assert.Equal(FlowFixture.AppUrl + "/", redirected.Location);
        var refresh = await browser.GetJson("/self-service/login/browser?refresh=true");
        Assert.Equal(200, refresh.Code);
        Assert.True(refresh.Json["refresh"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Native_registration_and_login_return_session_tokens_and_set_no_cookies()
    {
        using var app = fixture.Native();
        var email = NewEmail();
        var registered = await RegisterNative(app, email);
        Assert.Equal(email, registered["identity"]!["traits"]!["email"]!.GetValue<string>());
        var token = registered["session_token"]!.GetValue<string>();
        Assert.Equal("set_ory_session_token", registered["continue_with"]![0]!["action"]!.GetValue<string>());
        Assert.Equal(token, registered["continue_with"]![0]!["ory_session_token"]!.GetValue<string>());

        var login = await LoginNative(app, email);
        Assert.True(login.Code == 200, login.ToString());
        Assert.False(login.Response.Headers.Contains("Set-Cookie"));
        Assert.NotEqual(token, login.Json["session_token"]!.GetValue<string>());
        Assert.Equal("password", login.Json["session"]!["authentication_methods"]![0]!["method"]!.GetValue<string>());

        // With a valid token an API login flow is refused; with aal2 and no session it is 401.
        var refused = await app.GetJson("/self-service/login/api", new Dictionary<string, string> { ["X-Session-Token"] = token });
        Assert.Equal("session_already_available", refused.ErrorId);
        var aal2 = await app.GetJson("/self-service/login/api?aal=aal2");
        Assert.Equal(401, aal2.Code);
        Assert.Equal("session_aal1_required", aal2.ErrorId);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_identifier_get_the_same_message()
    {
        var email = NewEmail();
        using var app = fixture.Native();
        await RegisterNative(app, email);
        var wrong = await LoginNative(app, email, "not-the-password");
        var unknown = await LoginNative(app, NewEmail());
        foreach (var reply in new[] { wrong, unknown })
        {
            Assert.Equal(400, reply.Code);
            Assert.Equal([Messages.InvalidCredentials().Id], MessageIds(reply.Json));
            Assert.Null(reply.Json["session_token"]);
        }
        // The identifier is kept in the form, the password is not.
        var identifier = wrong.Json["ui"]!["nodes"]!.AsArray().Single(n => n!["attributes"]!["name"]!.GetValue<string>() == "identifier");
        Assert.Equal(email, identifier!["attributes"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Missing_identifier_and_password_are_required_messages_on_their_nodes()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "login");
        var reply = await app.PostJson($"/self-service/login?flow={Id(flow)}", new JsonObject { ["method"] = "password" });
        Assert.Equal(400, reply.Code);
        Assert.Equal([4000002L], NodeMessageIds(reply.Json, "identifier"));
        Assert.Equal([4000002L], NodeMessageIds(reply.Json, "password"));
    }

    [Fact]
    public async Task Unknown_method_is_4010002()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "login");
        var reply = await app.PostJson($"/self-service/login?flow={Id(flow)}", new JsonObject { ["method"] = "carrier-pigeon" });
        Assert.Equal(400, reply.Code);
        Assert.Equal([4010002L], MessageIds(reply.Json));
    }

    [Fact]
    public async Task Csrf_token_missing_wrong_or_without_cookie_is_403()
    {
        using var browser = fixture.Browser();
        var flow = await StartBrowserFlow(browser, "login");
        var path = $"/self-service/login?flow={Id(flow)}";

        var missing = await browser.PostJson(path, LoginBody("a@example.com"));
        Assert.Equal(403, missing.Code);
        Assert.Equal("security_csrf_violation", missing.ErrorId);
        Assert.Contains("csrf_token", missing.Json["error"]!["details"]!["hint"]!.GetValue<string>());

        var wrong = await browser.PostJson(path, LoginBody("a@example.com", csrf: Convert.ToBase64String(new byte[64])));
        Assert.Equal(403, wrong.Code);
        Assert.Equal("security_csrf_violation", wrong.ErrorId);
        Assert.Contains("do not match", wrong.Json["error"]!["details"]!["reject_reason"]!.GetValue<string>());

        // The header works as well as the body field.
        var header = await browser.PostJson(path, LoginBody(NewEmail()), new Dictionary<string, string> { ["X-CSRF-Token"] = Csrf(flow) });
        Assert.Equal(400, header.Code);
        Assert.Equal([Messages.InvalidCredentials().Id], MessageIds(header.Json));

        using var stranger = fixture.Browser();
        var noCookie = await stranger.PostJson(path, LoginBody("a@example.com", csrf: Csrf(flow)));
        Assert.Equal(403, noCookie.Code);
        Assert.Equal("The HTTP Cookie Header is empty or not set.", noCookie.Json["error"]!["details"]!["reject_reason"]!.GetValue<string>());

        // Fetching a browser flow without its cookie is a violation too.
        var fetch = await stranger.GetJson($"/self-service/login/flows?id={Id(flow)}");
        Assert.Equal(403, fetch.Code);
        Assert.Equal("security_csrf_violation", fetch.ErrorId);
    }

    [Fact]
    public async Task Csrf_failure_on_a_form_post_goes_to_the_error_ui()
    {
        using var browser = fixture.Browser();
        var flow = await StartBrowserFlow(browser, "registration");
        var reply = await browser.PostForm($"/self-service/registration?flow={Id(flow)}",
            [F("traits.email", NewEmail()), F("password", Password), F("method", "password")]);
        Assert.Equal(HttpStatusCode.SeeOther, reply.Status);
        Assert.StartsWith(FlowFixture.AppUrl + "/error?id=", reply.Location);
        var error = await browser.GetJson("/self-service/errors?id=" + reply.Location!.Split("id=")[1]);
        Assert.Equal(200, error.Code);
        Assert.Equal("security_csrf_violation", error.Json["error"]!["id"]!.GetValue<string>());
        Assert.Equal(403, error.Json["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Expired_flow_is_410_with_a_fresh_flow_id()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "login");
        await ExpireAsync(Id(flow));
        var reply = await app.PostJson($"/self-service/login?flow={Id(flow)}", LoginBody(NewEmail()));
        Assert.Equal(410, reply.Code);
        Assert.Equal("self_service_flow_expired", reply.ErrorId);
        var fresh = reply.Json["use_flow_id"]!.GetValue<string>();
        Assert.NotEqual(Id(flow), fresh);
        var replacement = await app.GetJson($"/self-service/login/flows?id={fresh}");
        Assert.Equal(200, replacement.Code);
        Assert.Equal([4010001L], MessageIds(replacement.Json));

        var stale = await app.GetJson($"/self-service/login/flows?id={Id(flow)}");
        Assert.Equal(410, stale.Code);

        // A browser posting a form is sent to the new flow's UI instead.
        using var browser = fixture.Browser();
        var browserFlow = await StartBrowserFlow(browser, "registration");
        await ExpireAsync(Id(browserFlow));
        var post = await browser.PostForm($"/self-service/registration?flow={Id(browserFlow)}",
            [F("csrf_token", Csrf(browserFlow)), F("traits.email", NewEmail()), F("password", Password), F("method", "password")]);
        Assert.Equal(HttpStatusCode.SeeOther, post.Status);
        Assert.StartsWith(FlowFixture.AppUrl + "/registration?flow=", post.Location);
        Assert.DoesNotContain(Id(browserFlow), post.Location);
    }

    private async Task ExpireAsync(string id)
    {
        using var scope = fixture.Server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var flow = await db.Set<FlowRecord>().SingleAsync(f => f.Id == Guid.Parse(id));
        flow.ExpiresAt = DateTime.UtcNow.AddMinutes(-5);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Unknown_and_malformed_flow_ids()
    {
        using var app = fixture.Native();
        var unknown = await app.PostJson($"/self-service/login?flow={Guid.NewGuid()}", LoginBody("a@example.com"));
        Assert.Equal(404, unknown.Code);
        var malformed = await app.PostJson("/self-service/login?flow=not-a-uuid", LoginBody("a@example.com"));
        Assert.Equal(400, malformed.Code);
        var missing = await app.PostJson("/self-service/registration", RegistrationBody(NewEmail()));
        Assert.Equal(400, missing.Code);
        Assert.Equal(404, (await app.GetJson("/self-service/login/flows?id=nope")).Code);
        Assert.Equal(404, (await app.GetJson($"/self-service/registration/flows?id={Guid.NewGuid()}")).Code);

        // A login flow is not a registration flow.
        var login = await StartApiFlow(app, "login");
        Assert.Equal(404, (await app.PostJson($"/self-service/registration?flow={Id(login)}", RegistrationBody(NewEmail()))).Code);
    }

    [Fact]
    public async Task Api_flows_refuse_browser_requests_and_browser_flows_need_csrf()
    {
        using var browser = fixture.Browser();
        await StartBrowserFlow(browser, "login"); // gives the browser its CSRF cookie
        var apiFlow = await StartApiFlow(fixture.Native(), "registration");
        // As in Kratos, these bad requests come back on the flow as message 4000001 carrying the reason.
        var withCookie = await browser.PostJson($"/self-service/registration?flow={Id(apiFlow)}", RegistrationBody(NewEmail()));
        Assert.Equal(400, withCookie.Code);
        Assert.Equal(Id(apiFlow), Id(withCookie.Json));
        Assert.Equal([4000001L], MessageIds(withCookie.Json));
        Assert.Contains("Cookie", withCookie.Json["ui"]!["messages"]![0]!["text"]!.GetValue<string>());

        using var app = fixture.Native();
        var withOrigin = await app.PostJson($"/self-service/registration?flow={Id(apiFlow)}", RegistrationBody(NewEmail()),
            new Dictionary<string, string> { ["Origin"] = FlowFixture.AppUrl });
        Assert.Equal(400, withOrigin.Code);
        Assert.Equal([4000001L], MessageIds(withOrigin.Json));
        Assert.Contains("Origin", withOrigin.Json["ui"]!["messages"]![0]!["context"]!["reason"]!.GetValue<string>());

        var browserFlow = await StartBrowserFlow(browser, "registration");
        var email = NewEmail();
        var native = await app.PostJson($"/self-service/registration?flow={Id(browserFlow)}", RegistrationBody(email));
        Assert.Equal(403, native.Code);
        Assert.Equal("security_csrf_violation", native.ErrorId);
        Assert.Equal(0, await CountIdentities(fixture.Admin, email));
    }

    [Fact]
    public async Task Duplicate_registration_gives_login_hints()
    {
        var email = NewEmail();
        using var app = fixture.Native();
        await RegisterNative(app, email);
        var flow = await StartApiFlow(app, "registration");
        var reply = await app.PostJson($"/self-service/registration?flow={Id(flow)}", RegistrationBody(email.ToUpperInvariant()));
        Assert.Equal(400, reply.Code);
        var message = reply.Json["ui"]!["messages"]![0]!;
        Assert.Equal(4000028, message["id"]!.GetValue<long>());
        Assert.Equal("password", message["context"]!["available_credential_types"]![0]!.GetValue<string>());
        Assert.Equal(email, message["context"]!["credential_identifier_hint"]!.GetValue<string>());
        Assert.Null(reply.Json["session_token"]);
        Assert.Equal(1, await CountIdentities(fixture.Admin, email));
    }

    [Fact]
    public async Task Invalid_traits_and_weak_passwords_put_messages_on_the_nodes()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "registration");
        var path = $"/self-service/registration?flow={Id(flow)}";

        var badEmail = await app.PostJson(path, RegistrationBody("not-an-email"));
        Assert.Equal(400, badEmail.Code);
        Assert.NotEmpty(NodeMessageIds(badEmail.Json, "traits.email"));
        var emailNode = badEmail.Json["ui"]!["nodes"]!.AsArray().Single(n => n!["attributes"]!["name"]!.GetValue<string>() == "traits.email");
        Assert.Equal("not-an-email", emailNode!["attributes"]!["value"]!.GetValue<string>());

        var email = NewEmail();
        var shortPassword = await app.PostJson(path, RegistrationBody(email, "short"));
        Assert.Equal([4000032L], NodeMessageIds(shortPassword.Json, "password"));
        var similar = await app.PostJson(path, RegistrationBody(email, email + "1"));
        Assert.Equal([4000031L], NodeMessageIds(similar.Json, "password"));
        Assert.Equal(0, await CountIdentities(fixture.Admin, email));
    }

    [Fact]
    public async Task Return_to_is_checked_against_the_allow_list()
    {
        using var app = fixture.Browser();
        var forbidden = await app.GetJson("/self-service/login/browser?return_to=https://evil.example.net/");
        Assert.Equal(400, forbidden.Code);
        Assert.Equal("self_service_flow_return_to_forbidden", forbidden.ErrorId);
        var outsidePath = await app.GetJson("/self-service/registration/browser?return_to=https://app.example.com/admin");
        Assert.Equal("self_service_flow_return_to_forbidden", outsidePath.ErrorId);

        var wildcard = await app.GetJson("/self-service/login/browser?return_to=https://shop.example.org/cart");
        Assert.Equal("https://shop.example.org/cart", wildcard.Json["return_to"]!.GetValue<string>());
        var relative = await app.GetJson("/self-service/login/browser?return_to=/welcome");
        Assert.Equal(FlowFixture.AppUrl + "/welcome", relative.Json["return_to"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inactive_identity_cannot_sign_in()
    {
        var email = NewEmail();
        using var app = fixture.Native();
        var id = (await RegisterNative(app, email))["identity"]!["id"]!.GetValue<string>();
        var patch = await fixture.Admin.Patch($"/admin/identities/{id}",
            new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/state", ["value"] = "inactive" }));
        Assert.True(patch.Code == 200, patch.Body?.ToJsonString());
        var login = await LoginNative(app, email);
        Assert.Equal(400, login.Code);
        Assert.Equal([Messages.IdentityDisabled().Id], MessageIds(login.Json));
        Assert.Null(login.Json["session_token"]);
    }

    [Fact]
    public async Task Malformed_json_and_oversized_forms_are_refused()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "registration");
        var malformed = await app.PostRaw($"/self-service/registration?flow={Id(flow)}", "{\"method\": ", "application/json", json: true);
        Assert.Equal(400, malformed.Code);
        Assert.Equal(Id(flow), Id(malformed.Json));
        Assert.Equal([4000001L], MessageIds(malformed.Json));
        Assert.Contains("JSON", malformed.Json["ui"]!["messages"]![0]!["text"]!.GetValue<string>());

        var huge = new string('a', 2 * 1024 * 1024);
        var oversized = await app.Send(HttpMethod.Post, $"/self-service/registration?flow={Id(flow)}",
            new FormUrlEncodedContent([F("method", "password"), F("password", huge)]), json: true);
        Assert.Equal(413, oversized.Code);
    }

    [Fact]
    public async Task Fifty_parallel_registrations_of_one_email_make_one_identity()
    {
        var email = NewEmail();
        var clients = Enumerable.Range(0, 50).Select(_ => fixture.Native()).ToList();
        try
        {
            var flows = await Task.WhenAll(clients.Select(c => StartApiFlow(c, "registration")));
            var replies = await Task.WhenAll(clients.Select((c, i) =>
                c.PostJson($"/self-service/registration?flow={Id(flows[i])}", RegistrationBody(email))));
            Assert.Equal(1, replies.Count(r => r.Code == 200));
            Assert.All(replies.Where(r => r.Code != 200), r =>
            {
                Assert.Equal(400, r.Code);
                Assert.Equal([4000028L], MessageIds(r.Json));
            });
            Assert.Equal(1, await CountIdentities(fixture.Admin, email));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Login_upgrades_a_hash_made_with_other_settings()
    {
        var email = NewEmail();
        var created = await fixture.Admin.Post("/admin/identities", new JsonObject
        {
            ["schema_id"] = "default",
            ["traits"] = new JsonObject { ["email"] = email },
            ["credentials"] = new JsonObject
            {
                ["password"] = new JsonObject { ["config"] = new JsonObject { ["hashed_password"] = BCrypt.Net.BCrypt.HashPassword(Password, 5) } },
            },
        });
        Assert.True(created.Code == 201, created.Body?.ToJsonString());
        var id = created.Json["id"]!.GetValue<string>();

        using var app = fixture.Native();
        var login = await LoginNative(app, email);
        Assert.True(login.Code == 200, login.ToString());
        var stored = (await fixture.Admin.Get($"/admin/identities/{id}?include_credential=password")).Json;
        var hash = stored["credentials"]!["password"]!["config"]!["hashed_password"]!.GetValue<string>();
        Assert.Matches(@"^\$2[aby]\$04\$", hash);
        Assert.True(BCrypt.Net.BCrypt.Verify(Password, hash));
    }

    [Fact]
    public async Task Refresh_login_re_authenticates_the_same_session()
    {
        var email = NewEmail();
        using var app = fixture.Native();
        var token = (await RegisterNative(app, email))["session_token"]!.GetValue<string>();
        var sessionId = (await LoginNative(app, email)).Json["session"]!["id"]!.GetValue<string>();
        var headers = new Dictionary<string, string> { ["X-Session-Token"] = token };
        var flow = await app.GetJson("/self-service/login/api?refresh=true", headers);
        Assert.Equal(200, flow.Code);
        var reply = await app.PostJson($"/self-service/login?flow={Id(flow.Json)}", LoginBody(email), headers);
        Assert.True(reply.Code == 200, reply.ToString());
        Assert.Equal(token, reply.Json["session_token"]!.GetValue<string>());
        Assert.NotEqual(sessionId, reply.Json["session"]!["id"]!.GetValue<string>());
        Assert.Equal(2, reply.Json["session"]!["authentication_methods"]!.AsArray().Count);
    }
}
