using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Persistence;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Settings;
using Ids = IdentityServer.Text.MessageIds;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

public sealed class PostgresSettingsFlowTests(PostgresSettingsFlowFixture f) : SettingsFlowTests(f), IClassFixture<PostgresSettingsFlowFixture>;
public sealed class SqliteSettingsFlowTests(SqliteSettingsFlowFixture f) : SettingsFlowTests(f), IClassFixture<SqliteSettingsFlowFixture>;

/// <summary>
/// The settings flow over HTTP: browsers (cookie jar, form posts, redirects, AJAX) and native apps
/// (session tokens) change profile and password; privileged sessions, identity binding, the AAL gate
/// and bad input answer as Kratos does and change nothing.
/// </summary>
public abstract class SettingsFlowTests(SettingsFlowFixture fixture)
{
    private const string NewPassword = "another-quite-unusual-passphrase";

    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    private static Dictionary<string, string> Token(string token) => new() { ["X-Session-Token"] = token };

    /// <summary>Signs up in a browser (the registration signs in) and returns the browser, email and identity id.</summary>
    private async Task<(FlowClient Browser, string Email, string IdentityId)> SignUpBrowser()
    {
        var browser = fixture.Browser();
        var email = NewEmail();
        var flow = await StartBrowserFlow(browser, "registration");
        var reply = await browser.PostForm($"/self-service/registration?flow={Id(flow)}",
            [F("csrf_token", Csrf(flow)), F("traits.email", email), F("traits.name.first", "Ada"), F("password", Password), F("method", "password")]);
        Assert.True(reply.Status == HttpStatusCode.SeeOther, reply.ToString());
        var whoami = await browser.GetJson("/sessions/whoami");
        Assert.True(whoami.Code == 200, whoami.ToString());
        return (browser, email, whoami.Json["identity"]!["id"]!.GetValue<string>());
    }

    private async Task<(FlowClient App, string Token, string Email, string IdentityId)> SignUpNative()
    {
        var app = fixture.Native();
        var email = NewEmail();
        var registered = await RegisterNative(app, email);
        return (app, registered["session_token"]!.GetValue<string>(), email, registered["identity"]!["id"]!.GetValue<string>());
    }

    private static async Task<JsonNode> StartApiSettings(FlowClient app, string token)
    {
        var init = await app.GetJson("/self-service/settings/api", Token(token));
        Assert.True(init.Code == 200, init.ToString());
        return init.Json;
    }

    private static string Path(string url) => new Uri(url).PathAndQuery;

    private static string NodeValue(JsonNode flow, string name, string group) =>
        flow["ui"]!["nodes"]!.AsArray().Single(n => n!["attributes"]!["name"]!.GetValue<string>() == name && n["group"]!.GetValue<string>() == group)!
            ["attributes"]!["value"]?.ToJsonString() ?? "null";

    private async Task<JsonNode> AdminIdentity(string id)
    {
        var reply = await fixture.Admin.Get($"/admin/identities/{id}?include_credential=password");
        Assert.Equal(200, reply.Code);
        return reply.Json;
    }

    private static string PasswordHash(JsonNode identity) =>
        identity["credentials"]!["password"]!["config"]!["hashed_password"]!.GetValue<string>();

    private async Task<bool> CanSignIn(string email, string password)
    {
        using var app = fixture.Native();
        return (await LoginNative(app, email, password)).Code == 200;
    }

    [Fact]
    public async Task Without_a_session_browsers_go_to_login_and_apps_get_session_inactive()
    {
        using var browser = fixture.Browser();
        var init = await browser.GetBrowser("/self-service/settings/browser?return_to=https://app.example.com/dashboard/me");
        Assert.Equal(HttpStatusCode.SeeOther, init.Status);
        Assert.Equal("http://127.0.0.1:4433/self-service/login/browser?return_to=https%3A%2F%2Fapp.example.com%2Fdashboard%2Fme", init.Location);

        var ajax = await browser.GetJson("/self-service/settings/browser");
        Assert.Equal(401, ajax.Code);
        Assert.Equal("session_inactive", ajax.ErrorId);

        using var app = fixture.Native();
        var api = await app.GetJson("/self-service/settings/api");
        Assert.Equal("session_inactive", api.ErrorId);
        var unknownToken = await app.GetJson("/self-service/settings/api", Token("ory_st_not-a-real-token"));
        Assert.Equal(401, unknownToken.Code);
        Assert.Equal("session_inactive", unknownToken.ErrorId);

        // An expired session counts as none.
        var (expiredApp, expiredToken, _, expiredId) = await SignUpNative();
        using (expiredApp)
        using (var scope = fixture.Server.Services.CreateScope())
        {
            var identity = Guid.Parse(expiredId);
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<IdentityServer.Sessions.SessionRecord>()
                .Where(x => x.IdentityId == identity).ExecuteUpdateAsync(u => u.SetProperty(x => x.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));
            // A bulk update bypasses the server's write paths, so the test tells the session cache itself.
            await scope.ServiceProvider.GetRequiredService<IdentityServer.Sessions.SessionCacheInvalidation>()
                .IdentityChangedAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), identity, default);
            var expired = await expiredApp.GetJson("/self-service/settings/api", Token(expiredToken));
            Assert.Equal(401, expired.Code);
            Assert.Equal("session_inactive", expired.ErrorId);
        }

        // Someone's flow, but no session: 401 for apps, the login UI for a form post.
        var (owner, _, _) = await SignUpBrowser();
        using (owner)
        {
            var flow = await StartBrowserFlow(owner, "settings");
            var fetched = await app.GetJson($"/self-service/settings/flows?id={Id(flow)}");
            Assert.Equal(401, fetched.Code);
            Assert.Equal("session_inactive", fetched.ErrorId);
            var posted = await browser.PostForm($"/self-service/settings?flow={Id(flow)}", [F("method", "profile"), F("traits.email", NewEmail())]);
            Assert.Equal(HttpStatusCode.SeeOther, posted.Status);
            Assert.Equal(FlowFixture.AppUrl + "/login", posted.Location);
            var postedJson = await app.PostJson($"/self-service/settings?flow={Id(flow)}", new JsonObject { ["method"] = "profile" });
            Assert.Equal(401, postedJson.Code);
            Assert.Equal("session_inactive", postedJson.ErrorId);
        }
    }

    [Fact]
    public async Task Browser_changes_the_profile_by_form_post_and_sees_the_success_message()
    {
        var (browser, email, identityId) = await SignUpBrowser();
        using var _ = browser;
        var flow = await StartBrowserFlow(browser, "settings");
        Assert.Equal("browser", flow["type"]!.GetValue<string>());
        Assert.Equal("show_form", flow["state"]!.GetValue<string>());
        Assert.Equal(identityId, flow["identity"]!["id"]!.GetValue<string>());
        Assert.Null(flow["identity"]!["credentials"]);
        Assert.Equal($"http://127.0.0.1:4433/self-service/settings?flow={Id(flow)}", flow["ui"]!["action"]!.GetValue<string>());
        Assert.Equal($"\"{email}\"", NodeValue(flow, "traits.email", "profile"));
        Assert.Equal("\"Ada\"", NodeValue(flow, "traits.name.first", "profile"));

        var reply = await browser.PostForm($"/self-service/settings?flow={Id(flow)}",
            [F("csrf_token", Csrf(flow)), F("method", "profile"), F("traits.email", email), F("traits.name.first", "Grace"), F("traits.name.last", "Hopper")]);
        Assert.True(reply.Status == HttpStatusCode.SeeOther, reply.ToString());
        Assert.Equal($"{FlowFixture.AppUrl}/settings?flow={Id(flow)}", reply.Location);

        var after = (await browser.GetJson($"/self-service/settings/flows?id={Id(flow)}")).Json;
        Assert.Equal("success", after["state"]!.GetValue<string>());
        Assert.Equal("profile", after["active"]!.GetValue<string>());
        Assert.Equal([Ids.SettingsUpdateSuccess], MessageIds(after));
        Assert.Equal("\"Grace\"", NodeValue(after, "traits.name.first", "profile"));
        Assert.Equal("Hopper", after["identity"]!["traits"]!["name"]!["last"]!.GetValue<string>());
        var stored = await AdminIdentity(identityId);
        Assert.Equal("Grace", stored["traits"]!["name"]!["first"]!.GetValue<string>());
        // Only the name changed: no address to verify.
        Assert.False(fixture.Verifications.Sent.ContainsKey(Guid.Parse(identityId)));
    }

    [Fact]
    public async Task Native_app_changes_profile_and_password_with_its_session_token()
    {
        var (app, token, email, identityId) = await SignUpNative();
        using var _ = app;
        var flow = await StartApiSettings(app, token);
        Assert.Equal("api", flow["type"]!.GetValue<string>());
        Assert.Equal("", Csrf(flow));
        var fetched = await app.GetJson($"/self-service/settings/flows?id={Id(flow)}", Token(token));
        Assert.Equal(200, fetched.Code);
        Assert.Equal(identityId, fetched.Json["identity"]!["id"]!.GetValue<string>());

        var profile = await app.PostJson($"/self-service/settings?flow={Id(flow)}",
            new JsonObject { ["method"] = "profile", ["traits"] = new JsonObject { ["email"] = email, ["name"] = new JsonObject { ["first"] = "Lin" } } },
            Token(token));
        Assert.True(profile.Code == 200, profile.ToString());
        Assert.Equal("success", profile.Json["state"]!.GetValue<string>());
        Assert.Equal("Lin", profile.Json["identity"]!["traits"]!["name"]!["first"]!.GetValue<string>());
        Assert.Null(profile.Json["continue_with"]);
        Assert.False(profile.Response.Headers.Contains("Set-Cookie"));

        var oldHash = PasswordHash(await AdminIdentity(identityId));
        var password = await app.PostJson($"/self-service/settings?flow={Id(flow)}",
            new JsonObject { ["method"] = "password", ["password"] = NewPassword }, Token(token));
        Assert.True(password.Code == 200, password.ToString());
        Assert.Equal("password", password.Json["active"]!.GetValue<string>());
        Assert.Equal([Ids.SettingsUpdateSuccess], MessageIds(password.Json));
        Assert.NotEqual(oldHash, PasswordHash(await AdminIdentity(identityId)));
        Assert.True(await CanSignIn(email, NewPassword));
        Assert.False(await CanSignIn(email, Password));
    }

    [Fact]
    public async Task Ajax_password_change_revokes_the_other_sessions_and_points_to_the_return_url()
    {
        var (browser, email, identityId) = await SignUpBrowser();
        using var _ = browser;
        using var phone = fixture.Native();
        Assert.Equal(200, (await LoginNative(phone, email)).Code);
        Assert.Equal(2, await fixture.ActiveSessionCount(Guid.Parse(identityId)));

        var init = await browser.GetJson("/self-service/settings/browser");
        Assert.Equal(200, init.Code);
        var reply = await browser.PostJson($"/self-service/settings?flow={Id(init.Json)}",
            new JsonObject { ["method"] = "password", ["password"] = NewPassword, ["csrf_token"] = Csrf(init.Json) });
        Assert.True(reply.Code == 200, reply.ToString());
        Assert.Equal("success", reply.Json["state"]!.GetValue<string>());
        var redirect = reply.Json["continue_with"]!.AsArray().Single()!;
        Assert.Equal("redirect_browser_to", redirect["action"]!.GetValue<string>());
        Assert.Equal(SettingsFlowFixture.PasswordChangedUrl, redirect["redirect_browser_to"]!.GetValue<string>());

        // revoke_active_sessions: only the browser's own session is left.
        Assert.Equal(1, await fixture.ActiveSessionCount(Guid.Parse(identityId)));
        Assert.Equal(200, (await browser.GetJson("/sessions/whoami")).Code);
    }

    [Fact]
    public async Task Return_to_of_the_flow_wins_after_a_browser_change()
    {
        var (browser, email, _) = await SignUpBrowser();
        using var _ = browser;
        var flow = await StartBrowserFlow(browser, "settings", "?return_to=https://app.example.com/dashboard/profile");
        Assert.Equal("https://app.example.com/dashboard/profile", flow["return_to"]!.GetValue<string>());
        var reply = await browser.PostForm($"/self-service/settings?flow={Id(flow)}",
            [F("csrf_token", Csrf(flow)), F("method", "profile"), F("traits.email", email), F("traits.name.first", "Ida")]);
        Assert.Equal(HttpStatusCode.SeeOther, reply.Status);
        Assert.Equal("https://app.example.com/dashboard/profile", reply.Location);

        var refused = await browser.GetJson("/self-service/settings/browser?return_to=https://evil.example.net/");
        Assert.Equal(400, refused.Code);
        Assert.Equal("self_service_flow_return_to_forbidden", refused.ErrorId);
    }

    [Fact]
    public async Task Changing_the_email_resets_its_verification_and_asks_for_a_verification_message()
    {
        var email = NewEmail();
        var created = await fixture.Admin.Post("/admin/identities", new JsonObject
        {
            ["schema_id"] = "default",
            ["traits"] = new JsonObject { ["email"] = email },
            ["verifiable_addresses"] = new JsonArray(new JsonObject { ["value"] = email, ["via"] = "email", ["verified"] = true }),
            ["credentials"] = new JsonObject { ["password"] = new JsonObject { ["config"] = new JsonObject { ["password"] = Password } } },
        });
        Assert.Equal(201, created.Code);
        var identityId = created.Json["id"]!.GetValue<string>();
        Assert.True(created.Json["verifiable_addresses"]![0]!["verified"]!.GetValue<bool>());

        using var app = fixture.Native();
        var token = (await LoginNative(app, email)).Json["session_token"]!.GetValue<string>();
        var flow = await StartApiSettings(app, token);
        var changed = NewEmail().ToUpperInvariant();
        var reply = await app.PostJson($"/self-service/settings?flow={Id(flow)}",
            new JsonObject { ["method"] = "profile", ["traits"] = new JsonObject { ["email"] = changed } }, Token(token));
        Assert.True(reply.Code == 200, reply.ToString());

        var stored = await AdminIdentity(identityId);
        var address = stored["verifiable_addresses"]!.AsArray().Single()!;
        Assert.Equal(changed.ToLowerInvariant(), address["value"]!.GetValue<string>());
        Assert.False(address["verified"]!.GetValue<bool>());
        // The server's own sender queued a verification message for the new address.
        Assert.Equal("sent", address["status"]!.GetValue<string>());
        Assert.Equal(changed.ToLowerInvariant(), stored["recovery_addresses"]![0]!["value"]!.GetValue<string>());
        Assert.Equal([changed.ToLowerInvariant()], fixture.Verifications.Sent[Guid.Parse(identityId)]);
        // The identifier moved with the trait.
        Assert.True(await CanSignIn(changed, Password));
        Assert.False(await CanSignIn(email, Password));
    }

    [Fact]
    public async Task A_browser_with_an_old_session_signs_in_again_and_the_same_flow_finishes_the_change()
    {
        var (browser, email, identityId) = await SignUpBrowser();
        using var _ = browser;
        var flow = await StartBrowserFlow(browser, "settings");
        var hashBefore = PasswordHash(await AdminIdentity(identityId));
        await Task.Delay(SettingsFlowFixture.PrivilegedMaxAge + TimeSpan.FromMilliseconds(500));

        // The session is too old: off to a refresh login that comes back to this flow; nothing changed yet.
        var reply = await browser.PostForm($"/self-service/settings?flow={Id(flow)}",
            [F("csrf_token", Csrf(flow)), F("method", "password"), F("password", NewPassword)]);
        Assert.Equal(HttpStatusCode.SeeOther, reply.Status);
        var submitUrl = $"http://127.0.0.1:4433/self-service/settings?flow={Id(flow)}";
        Assert.Equal("http://127.0.0.1:4433/self-service/login/browser?refresh=true&return_to=" + Uri.EscapeDataString(submitUrl), reply.Location);
        Assert.Equal(hashBefore, PasswordHash(await AdminIdentity(identityId)));
        Assert.NotNull(browser.Cookie("ory_kratos_continuity"));

        // A JSON client of the same browser gets the same answer as an error.
        var ajax = await browser.PostJson($"/self-service/settings?flow={Id(flow)}",
            new JsonObject { ["method"] = "password", ["password"] = NewPassword, ["csrf_token"] = Csrf(flow) });
        Assert.Equal(403, ajax.Code);
        Assert.Equal("session_refresh_required", ajax.ErrorId);
        Assert.Equal(reply.Location, ajax.Json["redirect_browser_to"]!.GetValue<string>());

        var login = await browser.GetBrowser(Path(reply.Location!));
        Assert.Equal(HttpStatusCode.SeeOther, login.Status);
        var loginFlow = (await browser.GetJson($"/self-service/login/flows?id={login.Location!.Split("flow=")[1]}")).Json;
        Assert.True(loginFlow["refresh"]!.GetValue<bool>());
        var signedIn = await browser.PostForm($"/self-service/login?flow={Id(loginFlow)}",
            [F("csrf_token", Csrf(loginFlow)), F("identifier", email), F("password", Password), F("method", "password")]);
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.Status);
        Assert.Equal(submitUrl, signedIn.Location);

        // Back at the flow: the waiting change is applied.
        var finished = await browser.GetBrowser(Path(signedIn.Location!));
        Assert.True(finished.Status == HttpStatusCode.SeeOther, finished.ToString());
        Assert.Equal(SettingsFlowFixture.PasswordChangedUrl, finished.Location);
        var after = (await browser.GetJson($"/self-service/settings/flows?id={Id(flow)}")).Json;
        Assert.Equal("success", after["state"]!.GetValue<string>());
        Assert.NotEqual(hashBefore, PasswordHash(await AdminIdentity(identityId)));
        Assert.True(await CanSignIn(email, NewPassword));

        // The change was used up: coming back again only shows the flow.
        var again = await browser.GetBrowser(Path(signedIn.Location!));
        Assert.Equal($"{FlowFixture.AppUrl}/settings?flow={Id(flow)}", again.Location);
    }

    [Fact]
    public async Task A_native_app_with_an_old_session_refreshes_it_and_submits_again()
    {
        var (app, token, email, identityId) = await SignUpNative();
        using var _ = app;
        var flow = await StartApiSettings(app, token);
        await Task.Delay(SettingsFlowFixture.PrivilegedMaxAge + TimeSpan.FromMilliseconds(500));

        var body = new JsonObject { ["method"] = "profile", ["traits"] = new JsonObject { ["email"] = NewEmail() } };
        var refused = await app.PostJson($"/self-service/settings?flow={Id(flow)}", body, Token(token));
        Assert.Equal(403, refused.Code);
        Assert.Equal("session_refresh_required", refused.ErrorId);
        Assert.StartsWith("http://127.0.0.1:4433/self-service/login/browser?refresh=true&return_to=", refused.Json["redirect_browser_to"]!.GetValue<string>());
        Assert.Equal(email, (await AdminIdentity(identityId))["traits"]!["email"]!.GetValue<string>());

        // A name is not protected: it may change with an old session.
        var name = await app.PostJson($"/self-service/settings?flow={Id(flow)}",
            new JsonObject { ["method"] = "profile", ["traits"] = new JsonObject { ["email"] = email, ["name"] = new JsonObject { ["first"] = "Old" } } }, Token(token));
        Assert.True(name.Code == 200, name.ToString());

        var loginFlow = (await app.GetJson("/self-service/login/api?refresh=true", Token(token))).Json;
        var refreshed = await app.PostJson($"/self-service/login?flow={Id(loginFlow)}", LoginBody(email), Token(token));
        Assert.True(refreshed.Code == 200, refreshed.ToString());
        var retried = await app.PostJson($"/self-service/settings?flow={Id(flow)}", body, Token(token));
        Assert.True(retried.Code == 200, retried.ToString());
        Assert.Equal(body["traits"]!["email"]!.GetValue<string>(), (await AdminIdentity(identityId))["traits"]!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_identity_can_neither_read_nor_submit_the_flow()
    {
        var (owner, ownerToken, ownerEmail, ownerId) = await SignUpNative();
        var (other, otherToken, _, _) = await SignUpNative();
        using var _ = owner;
        using var __ = other;
        var flow = await StartApiSettings(owner, ownerToken);

        var read = await other.GetJson($"/self-service/settings/flows?id={Id(flow)}", Token(otherToken));
        Assert.Equal(403, read.Code);
        Assert.Equal("security_identity_mismatch", read.ErrorId);
        var submitted = await other.PostJson($"/self-service/settings?flow={Id(flow)}",
            new JsonObject { ["method"] = "profile", ["traits"] = new JsonObject { ["email"] = NewEmail() } }, Token(otherToken));
        Assert.Equal(403, submitted.Code);
        Assert.Equal("security_identity_mismatch", submitted.ErrorId);
        Assert.Equal(ownerEmail, (await AdminIdentity(ownerId))["traits"]!["email"]!.GetValue<string>());

        var unknown = await owner.GetJson($"/self-service/settings/flows?id={Guid.NewGuid()}", Token(ownerToken));
        Assert.Equal(404, unknown.Code);
        var malformed = await owner.PostJson("/self-service/settings?flow=nope", new JsonObject { ["method"] = "profile" }, Token(ownerToken));
        Assert.Equal(400, malformed.Code);
    }

    [Fact]
    public async Task An_expired_flow_is_replaced_by_a_new_one()
    {
        var (app, token, email, identityId) = await SignUpNative();
        using var _ = app;
        var flow = await StartApiSettings(app, token);
        using (var scope = fixture.Server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var id = Guid.Parse(Id(flow));
            await db.Set<FlowRecord>().Where(f => f.Id == id).ExecuteUpdateAsync(u => u.SetProperty(f => f.ExpiresAt, DateTime.UtcNow.AddMinutes(-5)));
        }
        var fetched = await app.GetJson($"/self-service/settings/flows?id={Id(flow)}", Token(token));
        Assert.Equal(410, fetched.Code);
        Assert.Equal("self_service_flow_expired", fetched.ErrorId);

        var reply = await app.PostJson($"/self-service/settings?flow={Id(flow)}",
            new JsonObject { ["method"] = "profile", ["traits"] = new JsonObject { ["email"] = NewEmail() } }, Token(token));
        Assert.Equal(410, reply.Code);
        Assert.Equal("self_service_flow_expired", reply.ErrorId);
        var fresh = reply.Json["use_flow_id"]!.GetValue<string>();
        var next = (await app.GetJson($"/self-service/settings/flows?id={fresh}", Token(token))).Json;
        Assert.Equal([Ids.SettingsFlowExpired], MessageIds(next));
        Assert.Equal(email, (await AdminIdentity(identityId))["traits"]!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_wrong_csrf_token_is_refused_and_changes_nothing()
    {
        var (browser, email, identityId) = await SignUpBrowser();
        using var _ = browser;
        var flow = await StartBrowserFlow(browser, "settings");
        var reply = await browser.PostJson($"/self-service/settings?flow={Id(flow)}",
            new JsonObject { ["method"] = "profile", ["csrf_token"] = "bm90LXRoZS10b2tlbg==", ["traits"] = new JsonObject { ["email"] = NewEmail() } });
        Assert.Equal(403, reply.Code);
        Assert.Equal("security_csrf_violation", reply.ErrorId);
        var form = await browser.PostForm($"/self-service/settings?flow={Id(flow)}", [F("method", "profile"), F("traits.email", NewEmail())]);
        Assert.Equal(HttpStatusCode.SeeOther, form.Status);
        Assert.StartsWith(FlowFixture.AppUrl + "/error?id=", form.Location);
        Assert.Equal(email, (await AdminIdentity(identityId))["traits"]!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invalid_traits_are_shown_on_their_nodes_and_change_nothing()
    {
        var (browser, email, identityId) = await SignUpBrowser();
        using var _ = browser;
        var flow = await StartBrowserFlow(browser, "settings");
        var reply = await browser.PostForm($"/self-service/settings?flow={Id(flow)}",
            [F("csrf_token", Csrf(flow)), F("method", "profile"), F("traits.email", "not-an-email")]);
        Assert.Equal(HttpStatusCode.SeeOther, reply.Status);
        Assert.Equal($"{FlowFixture.AppUrl}/settings?flow={Id(flow)}", reply.Location);
        var shown = (await browser.GetJson($"/self-service/settings/flows?id={Id(flow)}")).Json;
        Assert.Equal("show_form", shown["state"]!.GetValue<string>());
        Assert.Contains(Ids.ValidationEmail, NodeMessageIds(shown, "traits.email"));
        Assert.Equal("\"not-an-email\"", NodeValue(shown, "traits.email", "profile"));
        Assert.Equal(email, shown["identity"]!["traits"]!["email"]!.GetValue<string>());

        var json = await browser.PostJson($"/self-service/settings?flow={Id(flow)}",
            new JsonObject { ["method"] = "profile", ["csrf_token"] = Csrf(flow), ["traits"] = new JsonObject { ["email"] = email, ["unknown"] = 1 } });
        Assert.Equal(400, json.Code);
        Assert.Equal(Id(flow), Id(json.Json));
        Assert.NotEmpty(MessageIds(json.Json).Concat(json.Json["ui"]!["nodes"]!.AsArray().SelectMany(n => n!["messages"]!.AsArray().Select(m => m!["id"]!.GetValue<long>()))));
        Assert.Equal(email, (await AdminIdentity(identityId))["traits"]!["email"]!.GetValue<string>());

        var empty = await browser.PostJson($"/self-service/settings?flow={Id(flow)}",
            new JsonObject { ["method"] = "profile", ["csrf_token"] = Csrf(flow), ["traits"] = new JsonObject() });
        Assert.Equal(400, empty.Code);
        Assert.Contains("value changes", empty.Json["error"]!["reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("", Ids.ValidationRequired)]
    [InlineData("short", Ids.ValidationPasswordMinLength)]
    [InlineData(Password, Ids.ValidationPasswordNewSameAsOld)]
    [InlineData("EMAIL", Ids.ValidationPasswordIdentifierTooSimilar)]
    public async Task Password_policy_failures_carry_kratos_message_ids_and_keep_the_old_password(string password, long messageId)
    {
        var (app, token, email, identityId) = await SignUpNative();
        using var _ = app;
        if (password == "EMAIL") password = email;
        var hashBefore = PasswordHash(await AdminIdentity(identityId));
        var flow = await StartApiSettings(app, token);
        var reply = await app.PostJson($"/self-service/settings?flow={Id(flow)}", new JsonObject { ["method"] = "password", ["password"] = password }, Token(token));
        Assert.Equal(400, reply.Code);
        Assert.Equal([messageId], NodeMessageIds(reply.Json, "password"));
        Assert.Equal("show_form", reply.Json["state"]!.GetValue<string>());
        Assert.Equal(hashBefore, PasswordHash(await AdminIdentity(identityId)));
        Assert.True(await CanSignIn(email, Password));
    }

    [Fact]
    public async Task Unknown_method_and_malformed_bodies_get_kratos_errors()
    {
        var (app, token, _, _) = await SignUpNative();
        using var _ = app;
        var flow = await StartApiSettings(app, token);
        var unknown = await app.PostJson($"/self-service/settings?flow={Id(flow)}", new JsonObject { ["method"] = "carrier-pigeon" }, Token(token));
        Assert.Equal(400, unknown.Code);
        Assert.Equal([Ids.SettingsNoStrategyFound], MessageIds(unknown.Json));

        var malformed = await app.Send(HttpMethod.Post, $"/self-service/settings?flow={Id(flow)}",
            new StringContent("{\"method\":", System.Text.Encoding.UTF8, "application/json"), json: true, Token(token));
        Assert.Equal(400, malformed.Code);
        Assert.Contains("JSON", malformed.Json["error"]!["reason"]!.GetValue<string>());

        var wrongType = await app.PostJson($"/self-service/settings?flow={Id(flow)}", new JsonObject { ["method"] = "password", ["password"] = 12345678 }, Token(token));
        Assert.Equal(400, wrongType.Code);
        Assert.Contains("must be a string", wrongType.Json["error"]!["reason"]!.GetValue<string>());
    }

    /// <summary>An identity with a password and a TOTP app, made through the admin API; the session signs in with the password only.</summary>
    private async Task<(string Email, string IdentityId)> CreateIdentityWithSecondFactor()
    {
        var email = NewEmail();
        var created = await fixture.Admin.Post("/admin/identities", new JsonObject
        {
            ["schema_id"] = "default",
            ["traits"] = new JsonObject { ["email"] = email },
            ["credentials"] = new JsonObject
            {
                ["password"] = new JsonObject { ["config"] = new JsonObject { ["password"] = Password } },
                ["totp"] = new JsonObject { ["config"] = new JsonObject { ["totp_url"] = $"otpauth://totp/Example:{email}?secret=JBSWY3DPEHPK3PXP&issuer=Example" } },
            },
        });
        Assert.True(created.Code == 201, created.Json.ToJsonString());
        return (email, created.Json["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_aal1_session_of_an_identity_with_a_second_factor_is_sent_to_the_second_factor()
    {
        var (email, identityId) = await CreateIdentityWithSecondFactor();
        using var app = fixture.Native();
        var token = (await LoginNative(app, email)).Json["session_token"]!.GetValue<string>();

        var api = await app.GetJson("/self-service/settings/api", Token(token));
        Assert.Equal(403, api.Code);
        Assert.Equal("session_aal2_required", api.ErrorId);
        Assert.Equal("http://127.0.0.1:4433/self-service/login/browser?aal=aal2", api.Json["redirect_browser_to"]!.GetValue<string>());
        Assert.Equal(api.Json["redirect_browser_to"]!.GetValue<string>(), api.Json["error"]!["details"]!["redirect_browser_to"]!.GetValue<string>());

        var whoami = await app.GetJson("/sessions/whoami", Token(token));
        Assert.Equal(403, whoami.Code);
        Assert.Equal("session_aal2_required", whoami.ErrorId);
        Assert.Equal("http://127.0.0.1:4433/self-service/login/browser?aal=aal2", whoami.Json["redirect_browser_to"]!.GetValue<string>());
        Assert.Equal(403, (await app.GetJson("/sessions", Token(token))).Code);

        // An identity stored before its available AAL was kept: whoami works it out from the credentials and stores it.
        using (var scope = fixture.Server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var id = Guid.Parse(identityId);
            await db.Identities.Where(i => i.Id == id).ExecuteUpdateAsync(u => u.SetProperty(i => i.AvailableAal, (string?)null));
            await scope.ServiceProvider.GetRequiredService<IdentityServer.Sessions.SessionCacheInvalidation>().IdentityChangedAsync(db, id, default);
            Assert.Equal("session_aal2_required", (await app.GetJson("/sessions/whoami", Token(token))).ErrorId);
            Assert.Equal("aal2", await db.Identities.Where(i => i.Id == id).Select(i => i.AvailableAal).SingleAsync());
        }

        using var browser = fixture.Browser();
        var loginFlow = await StartBrowserFlow(browser, "login");
        await browser.PostForm($"/self-service/login?flow={Id(loginFlow)}",
            [F("csrf_token", Csrf(loginFlow)), F("identifier", email), F("password", Password), F("method", "password")]);
        var init = await browser.GetBrowser("/self-service/settings/browser");
        Assert.Equal(HttpStatusCode.SeeOther, init.Status);
        Assert.Equal("http://127.0.0.1:4433/self-service/login/browser?aal=aal2", init.Location);
        var withReturn = await browser.GetJson("/self-service/settings/browser?return_to=https://app.example.com/dashboard");
        Assert.Equal(403, withReturn.Code);
        Assert.Equal("http://127.0.0.1:4433/self-service/login/browser?aal=aal2&return_to="
            + Uri.EscapeDataString("http://127.0.0.1:4433/self-service/settings/browser?return_to=https://app.example.com/dashboard"),
            withReturn.Json["redirect_browser_to"]!.GetValue<string>());

        // An identity without a second factor is not asked for one.
        var (plainApp, plainToken, _, _) = await SignUpNative();
        using var _ = plainApp;
        Assert.Equal(200, (await plainApp.GetJson("/self-service/settings/api", Token(plainToken))).Code);
        Assert.Equal(200, (await plainApp.GetJson("/sessions/whoami", Token(plainToken))).Code);
    }

    [Fact]
    public async Task The_recovery_opener_signs_in_and_opens_a_privileged_settings_flow()
    {
        var (_, token, email, identityId) = await SignUpNative();
        using var scope = fixture.Server.Services.CreateScope();
        var identity = await scope.ServiceProvider.GetRequiredService<IdentityServer.Identities.IdentityManager>().FindAsync(Guid.Parse(identityId), default);
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("127.0.0.1:4433");
        http.Request.Path = "/self-service/recovery";
        var opened = await scope.ServiceProvider.GetRequiredService<ISettingsFlowOpener>()
            .OpenAsync(http, identity!, FlowTypes.Api, "code_recovery", null, default);
        Assert.Equal(FlowKinds.Settings, opened.Flow.Kind);
        Assert.Equal($"{FlowFixture.AppUrl}/settings?flow={opened.Flow.Id}", opened.UiUrl);
        Assert.NotEqual(token, opened.Session.Token);
        Assert.Equal("code_recovery", opened.Session.Session["authentication_methods"]![0]!["method"]!.GetValue<string>());

        // The new session is privileged: the password can be set right away through the new flow.
        using var app = fixture.Native();
        var reply = await app.PostJson($"/self-service/settings?flow={opened.Flow.Id}",
            new JsonObject { ["method"] = "password", ["password"] = NewPassword }, Token(opened.Session.Token));
        Assert.True(reply.Code == 200, reply.ToString());
        Assert.True(await CanSignIn(email, NewPassword));
    }
}

public sealed class PostgresAal1SettingsFlowTests(PostgresAal1SettingsFlowFixture f) : Aal1SettingsFlowTests(f), IClassFixture<PostgresAal1SettingsFlowFixture>;
public sealed class SqliteAal1SettingsFlowTests(SqliteAal1SettingsFlowFixture f) : Aal1SettingsFlowTests(f), IClassFixture<SqliteAal1SettingsFlowFixture>;

/// <summary>With `required_aal: aal1` the same aal1 session may change settings and call whoami.</summary>
public abstract class Aal1SettingsFlowTests(SettingsFlowFixture fixture)
{
    [Fact]
    public async Task An_aal1_session_is_enough_when_the_config_says_aal1()
    {
        var email = NewEmail();
        var created = await fixture.Admin.Post("/admin/identities", new JsonObject
        {
            ["schema_id"] = "default",
            ["traits"] = new JsonObject { ["email"] = email },
            ["credentials"] = new JsonObject
            {
                ["password"] = new JsonObject { ["config"] = new JsonObject { ["password"] = Password } },
                ["lookup_secret"] = new JsonObject { ["config"] = new JsonObject { ["codes"] = new JsonArray(new JsonObject { ["code"] = "abcd1234" }) } },
            },
        });
        Assert.Equal(201, created.Code);
        using var app = fixture.Native();
        var token = (await LoginNative(app, email)).Json["session_token"]!.GetValue<string>();
        var headers = new Dictionary<string, string> { ["X-Session-Token"] = token };
        Assert.Equal(200, (await app.GetJson("/sessions/whoami", headers)).Code);
        var flow = await app.GetJson("/self-service/settings/api", headers);
        Assert.Equal(200, flow.Code);
        var reply = await app.PostJson($"/self-service/settings?flow={Id(flow.Json)}",
            new JsonObject { ["method"] = "profile", ["traits"] = new JsonObject { ["email"] = email, ["name"] = new JsonObject { ["first"] = "Kim" } } }, headers);
        Assert.True(reply.Code == 200, reply.ToString());
    }
}
