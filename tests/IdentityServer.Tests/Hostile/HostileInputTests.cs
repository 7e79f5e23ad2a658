using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Tests.Flows;
using IdentityServer.Tests.Infrastructure;
using IdentityServer.Text;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Hostile;

public sealed class PostgresHostileInputTests(PostgresCodeFlowFixture f) : HostileInputTests(f), IClassFixture<PostgresCodeFlowFixture>;
public sealed class SqliteHostileInputTests(SqliteCodeFlowFixture f) : HostileInputTests(f), IClassFixture<SqliteCodeFlowFixture>;

/// <summary>
/// Input a hostile client sends, through HTTP, on both stores: redirects off-site, invalid text, NUL
/// characters, JSON Patch bombs, racing code submissions, and what every answer must carry.
/// </summary>
public abstract class HostileInputTests(AddressFlowFixture fixture)
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    private async Task<FlowClient> SignedInBrowser()
    {
        var browser = fixture.Browser();
        var registration = await AddressFlowFixture.StartBrowserFlow(browser, "registration");
        var reply = await browser.PostForm($"/self-service/registration?flow={Id(registration)}",
            [F("csrf_token", Csrf(registration)), F("traits.email", NewEmail()), F("password", Password), F("method", "password")]);
        Assert.True(reply.Code == 303, reply.ToString());
        Assert.NotNull(browser.Cookie("ory_kratos_session"));
        return browser;
    }

    private static async Task<string> LogoutToken(FlowClient browser)
    {
        var logout = await browser.GetJson("/self-service/logout/browser");
        Assert.True(logout.Code == 200, logout.ToString());
        return logout.Json["logout_token"]!.GetValue<string>();
    }

    [Theory]
    [InlineData("//evil.com")]
    [InlineData("\\/evil.com")]
    [InlineData("//127.0.0.1:4433@evil.com")]
    [InlineData("https://evil.com/")]
    public async Task Logout_does_not_redirect_to_another_site(string returnTo)
    {
        using var browser = await SignedInBrowser();
        var token = await LogoutToken(browser);
        var path = $"/self-service/logout?token={Uri.EscapeDataString(token)}&return_to={Uri.EscapeDataString(returnTo)}";

        var json = await browser.GetJson(path);
        Assert.True(json.Code == 400, json.ToString());
        Assert.Equal("self_service_flow_return_to_forbidden", json.ErrorId);

        var page = await browser.GetBrowser(path);
        Assert.Equal(HttpStatusCode.SeeOther, page.Status);
        Assert.StartsWith(AddressFlowFixture.AppUrl + "/error?id=", page.Location);
        Assert.DoesNotContain("evil.com", page.Location);
        // The session outlives a refused logout.
        Assert.Equal(200, (await browser.GetJson("/sessions/whoami")).Code);
    }

    [Theory]
    [InlineData("https:evil.com")]
    [InlineData("///evil.com")]
    [InlineData("//%65vil.com")]
    [InlineData("http://[::1")]
    [InlineData("http://a b.com/")]
    public async Task Logout_answers_a_malformed_return_to_with_400(string returnTo)
    {
        using var browser = await SignedInBrowser();
        var token = await LogoutToken(browser);
        var path = $"/self-service/logout?token={Uri.EscapeDataString(token)}&return_to={Uri.EscapeDataString(returnTo)}";
        var json = await browser.GetJson(path);
        Assert.True(json.Code == 400, json.ToString());
        var page = await browser.GetBrowser(path);
        Assert.Equal(HttpStatusCode.SeeOther, page.Status);
        Assert.StartsWith(AddressFlowFixture.AppUrl + "/error?id=", page.Location);
        var created = await browser.GetJson($"/self-service/logout/browser?return_to={Uri.EscapeDataString(returnTo)}");
        Assert.True(created.Code == 400, created.ToString());
    }

    [Fact]
    public async Task Logout_still_follows_an_allowed_return_to()
    {
        using var browser = await SignedInBrowser();
        var token = await LogoutToken(browser);
        var done = await browser.GetBrowser($"/self-service/logout?token={Uri.EscapeDataString(token)}&return_to={Uri.EscapeDataString(AddressFlowFixture.AppUrl + "/bye")}");
        Assert.Equal(HttpStatusCode.SeeOther, done.Status);
        Assert.Equal(AddressFlowFixture.AppUrl + "/bye", done.Location);

        // A path with a backslash stays on the allowed host, as the absolute URL that is sent shows.
        using var other = await SignedInBrowser();
        token = await LogoutToken(other);
        var backslash = await other.GetBrowser($"/self-service/logout?token={Uri.EscapeDataString(token)}&return_to={Uri.EscapeDataString("/\\evil.com")}");
        Assert.Equal(HttpStatusCode.SeeOther, backslash.Status);
        Assert.StartsWith(AddressFlowFixture.AppUrl + "/", backslash.Location);
    }

    /// <summary>JSON bodies with bytes that are not UTF-8, and a lone UTF-16 surrogate escape.</summary>
    public static TheoryData<string> InvalidTexts => new() { "bytes", "surrogate" };

    private static HttpContent BadJson(string kind, string template)
    {
        // template has one {0} where the hostile string content goes (inside quotes).
        var parts = template.Split("{0}");
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(parts[0]));
        if (kind == "bytes") bytes.AddRange([0x61, 0xff, 0xfe, 0xc3, 0x28, 0x62]);
        else bytes.AddRange(Encoding.UTF8.GetBytes("a\\ud800b"));
        bytes.AddRange(Encoding.UTF8.GetBytes(parts[1]));
        var content = new ByteArrayContent([.. bytes]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    [Theory]
    [MemberData(nameof(InvalidTexts))]
    public async Task Invalid_text_in_json_never_answers_500(string kind)
    {
        using var app = fixture.Native();
        var email = NewEmail();
        var registered = await RegisterNative(app, email);
        var sessionToken = registered["session_token"]!.GetValue<string>();
        var identityId = registered["identity"]!["id"]!.GetValue<string>();

        var login = await StartApiFlow(app, "login");
        var reply = await app.Send(HttpMethod.Post, $"/self-service/login?flow={Id(login)}",
            BadJson(kind, """{"method":"password","identifier":"{0}","password":"x"}"""), json: true);
        Assert.True(reply.Code == 400, reply.ToString());
        Assert.NotNull(reply.Json["ui"]);

        var registration = await StartApiFlow(app, "registration");
        reply = await app.Send(HttpMethod.Post, $"/self-service/registration?flow={Id(registration)}",
            BadJson(kind, """{"method":"password","traits":{"email":"{0}@example.com"},"password":"a-long-and-unusual-passphrase"}"""), json: true);
        // Read as U+FFFD, as Kratos reads it: an address like any other.
        Assert.True(reply.Code is >= 200 and < 500, reply.ToString());

        foreach (var flowKind in new[] { "recovery", "verification" })
        {
            var flow = await StartApiFlow(app, flowKind);
            reply = await app.Send(HttpMethod.Post, $"/self-service/{flowKind}?flow={Id(flow)}",
                BadJson(kind, """{"method":"code","email":"{0}@example.com"}"""), json: true);
            Assert.True(reply.Code is >= 200 and < 500, $"{flowKind}: {reply}");
        }

        var headers = new Dictionary<string, string> { ["X-Session-Token"] = sessionToken };
        var settings = await app.GetJson("/self-service/settings/api", headers);
        Assert.Equal(200, settings.Code);
        reply = await app.Send(HttpMethod.Post, $"/self-service/settings?flow={Id(settings.Json)}",
            BadJson(kind, """{"method":"profile","traits":{"email":"{0}@example.com"}}"""), json: true, headers);
        Assert.True(reply.Code is >= 200 and < 500, reply.ToString());

        reply = await app.Send(HttpMethod.Delete, "/self-service/logout/api", BadJson(kind, """{"session_token":"{0}"}"""), json: true);
        Assert.True(reply.Code is >= 400 and < 500, reply.ToString());

        using var admin = new FlowClient(fixture.Server.AdminUrl, cookies: false);
        reply = await admin.Send(HttpMethod.Post, "/admin/identities", BadJson(kind, """{"schema_id":"default","traits":{"email":"{0}@example.com"}}"""), json: true);
        Assert.True(reply.Code is >= 200 and < 500, reply.ToString());
        reply = await admin.Send(HttpMethod.Put, $"/admin/identities/{identityId}",
            BadJson(kind, """{"schema_id":"default","state":"active","traits":{"email":"{0}@example.com"}}"""), json: true);
        Assert.True(reply.Code is >= 200 and < 500, reply.ToString());
        reply = await admin.Send(HttpMethod.Patch, "/admin/identities",
            BadJson(kind, """{"identities":[{"create":{"schema_id":"default","traits":{"email":"{0}@example.com"}}}]}"""), json: true);
        Assert.True(reply.Code is >= 200 and < 500, reply.ToString());
        reply = await admin.Send(HttpMethod.Patch, $"/admin/identities/{identityId}",
            BadJson(kind, """[{"op":"replace","path":"/metadata_public","value":"{0}"}]"""), json: true);
        Assert.True(reply.Code is >= 200 and < 500, reply.ToString());
    }

    [Fact]
    public async Task A_nul_character_is_a_400_in_flows_and_in_admin_requests()
    {
        using var app = fixture.Native();
        var login = await StartApiFlow(app, "login");
        var reply = await app.PostJson($"/self-service/login?flow={Id(login)}", LoginBody("nul\u0000@example.com"));
        Assert.True(reply.Code == 400, reply.ToString());
        Assert.Contains(Messages.ValidationGeneric("").Id, NodeMessageIds(reply.Json, "identifier"));

        using var browser = fixture.Browser();
        var browserLogin = await AddressFlowFixture.StartBrowserFlow(browser, "login");
        var posted = await browser.PostForm($"/self-service/login?flow={Id(browserLogin)}",
            [F("csrf_token", Csrf(browserLogin)), F("identifier", "nul\u0000@example.com"), F("password", Password), F("method", "password")]);
        Assert.True(posted.Code == 303, posted.ToString());
        Assert.StartsWith(AddressFlowFixture.AppUrl + "/login?flow=", posted.Location);

        var recovery = await StartApiFlow(app, "recovery");
        reply = await app.PostJson($"/self-service/recovery?flow={Id(recovery)}", new JsonObject { ["method"] = "code", ["email"] = "a\u0000@example.com" });
        Assert.True(reply.Code == 400, reply.ToString());
        Assert.Contains(Messages.ValidationGeneric("").Id, NodeMessageIds(reply.Json, "email"));

        var registration = await StartApiFlow(app, "registration");
        reply = await app.PostJson($"/self-service/registration?flow={Id(registration)}", new JsonObject
        {
            ["method"] = "password", ["password"] = Password,
            ["traits"] = new JsonObject { ["email"] = "trait\u0000@example.com" },
        });
        Assert.True(reply.Code == 400, reply.ToString());
        Assert.Contains(Messages.ValidationGeneric("").Id, NodeMessageIds(reply.Json, "traits.email"));

        var created = await fixture.Admin.Post("/admin/identities", new JsonObject
        {
            ["schema_id"] = "default", ["traits"] = new JsonObject { ["email"] = NewEmail() }, ["metadata_public"] = new JsonObject { ["x"] = "a\u0000b" },
        });
        Assert.Equal(400, created.Code);
        Assert.Equal(400, created.ErrorCode);
        foreach (var query in new[] { "credentials_identifier=a%00b", "preview_credentials_identifier_similar=a%00", "ids=%00" })
        {
            var filtered = await fixture.Admin.Get("/admin/identities?" + query);
            Assert.True(filtered.Code == 400, query + " " + filtered.Body?.ToJsonString());
            Assert.Equal(400, filtered.ErrorCode);
        }
        var external = await fixture.Admin.Get("/admin/identities/by/external/a%00b");
        Assert.True(external.Code is 400 or 404, external.Body?.ToJsonString());
    }

    [Fact]
    public async Task Json_patch_allows_only_add_remove_and_replace_and_bounds_the_document()
    {
        var id = await fixture.CreateIdentityAsync(NewEmail());
        foreach (var op in new[] { "copy", "move", "test" })
        {
            var patch = new JsonArray(new JsonObject { ["op"] = op, ["from"] = "/traits", ["path"] = "/metadata_public", ["value"] = "x" });
            var reply = await fixture.Admin.Patch($"/admin/identities/{id}", patch);
            Assert.True(reply.Code == 400, op + " " + reply.Body?.ToJsonString());
            Assert.Equal($"unsupported operation: {op}", reply.Json["error"]!["message"]!.GetValue<string>());
        }

        // Doubling a value by copying it into itself 22 times would make a document of gigabytes.
        var bomb = new JsonArray(new JsonObject { ["op"] = "add", ["path"] = "/metadata_public", ["value"] = new JsonObject { ["a"] = new string('x', 100) } });
        for (var i = 0; i < 22; i++)
            bomb.Add(new JsonObject { ["op"] = "copy", ["from"] = "/metadata_public", ["path"] = $"/metadata_public/c{i}" });
        var started = DateTime.UtcNow;
        var refused = await fixture.Admin.Patch($"/admin/identities/{id}", bomb);
        Assert.Equal(400, refused.Code);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));

        // The patched document is bounded: each patch fits in a request, but together they would not.
        var first = await fixture.Admin.Patch($"/admin/identities/{id}", new JsonArray(
            new JsonObject { ["op"] = "add", ["path"] = "/metadata_admin", ["value"] = new string('y', 600_000) }));
        Assert.True(first.Code == 200, first.Body?.ToJsonString());
        var tooBig = await fixture.Admin.Patch($"/admin/identities/{id}", new JsonArray(
            new JsonObject { ["op"] = "add", ["path"] = "/metadata_public", ["value"] = new string('z', 600_000) }));
        Assert.Equal(400, tooBig.Code);
        Assert.Equal("failed to apply JSON patch", tooBig.Json["error"]!["reason"]!.GetValue<string>());

        var ok = await fixture.Admin.Patch($"/admin/identities/{id}", new JsonArray(
            new JsonObject { ["op"] = "add", ["path"] = "/metadata_public", ["value"] = new JsonObject { ["plan"] = "pro" } },
            new JsonObject { ["op"] = "replace", ["path"] = "/metadata_public/plan", ["value"] = "team" },
            new JsonObject { ["op"] = "remove", ["path"] = "/metadata_public/plan" }));
        Assert.True(ok.Code == 200, ok.Body?.ToJsonString());
        Assert.Empty(ok.Json["metadata_public"]!.AsObject());
    }

    [Fact]
    public async Task Unknown_top_level_fields_of_admin_identity_bodies_are_refused_as_kratos_refuses_them()
    {
        var email = NewEmail();
        var created = await fixture.Admin.Post("/admin/identities", new JsonObject
        {
            ["schema_id"] = "default", ["traits"] = new JsonObject { ["email"] = email }, ["verified"] = true,
        });
        Assert.True(created.Code == 400, created.Body?.ToJsonString());
        Assert.Equal("json: unknown field \"verified\"", created.Json["error"]!["message"]!.GetValue<string>());
        Assert.Equal(0, await CountIdentities(fixture.Admin, email));

        // Batches are decoded strictly too: one unknown field refuses the whole request, as in Kratos.
        var batch = await fixture.Admin.Patch("/admin/identities", new JsonObject
        {
            ["identities"] = new JsonArray(
                new JsonObject { ["create"] = new JsonObject { ["schema_id"] = "default", ["traits"] = new JsonObject { ["email"] = NewEmail() } } },
                new JsonObject { ["create"] = new JsonObject { ["schema_id"] = "default", ["traits"] = new JsonObject { ["email"] = email }, ["extra"] = 1 } }),
        });
        Assert.True(batch.Code == 400, batch.Body?.ToJsonString());
        Assert.Equal(0, await CountIdentities(fixture.Admin, email));

        // Kratos decodes updates leniently: unknown fields of a PUT are ignored, not stored.
        var id = await fixture.CreateIdentityAsync(NewEmail());
        var replaced = await fixture.Admin.Put($"/admin/identities/{id}", new JsonObject
        {
            ["schema_id"] = "default", ["state"] = "active", ["traits"] = new JsonObject { ["email"] = email }, ["role"] = "admin",
        });
        Assert.True(replaced.Code == 200, replaced.Body?.ToJsonString());
        Assert.Null(replaced.Json["role"]);
    }

    [Fact]
    public async Task A_duplicated_form_field_takes_the_first_value()
    {
        var email = NewEmail();
        await fixture.CreateIdentityAsync(email);
        using var browser = fixture.Browser();
        var login = await AddressFlowFixture.StartBrowserFlow(browser, "login");
        var reply = await browser.PostForm($"/self-service/login?flow={Id(login)}",
            [F("csrf_token", Csrf(login)), F("identifier", email), F("identifier", "someone-else@example.com"), F("password", Password), F("method", "password")]);
        Assert.Equal(HttpStatusCode.SeeOther, reply.Status);
        Assert.Equal(AddressFlowFixture.AppUrl + "/", reply.Location);
    }

    private async Task<(FlowClient App, string FlowId, string Code, Guid IdentityId)> SentCode(string kind)
    {
        var email = NewEmail();
        var identityId = await fixture.CreateIdentityAsync(email);
        var app = fixture.Native();
        var flow = await StartApiFlow(app, kind);
        var sent = await app.PostJson($"/self-service/{kind}?flow={Id(flow)}", new JsonObject { ["method"] = "code", ["email"] = email });
        Assert.True(sent.Code == 200, sent.ToString());
        return (app, Id(flow), (await fixture.Mail.NextAsync(email)).Code, identityId);
    }

    [Theory]
    [InlineData("verification")]
    [InlineData("recovery")]
    public async Task Exactly_one_of_twenty_simultaneous_right_codes_succeeds(string kind)
    {
        var (app, flowId, code, identityId) = await SentCode(kind);
        using var _ = app;
        var clients = Enumerable.Range(0, 20).Select(_ => fixture.Native()).ToList();
        var start = new TaskCompletionSource();
        var submissions = clients.Select(async c =>
        {
            await start.Task;
            return await c.PostJson($"/self-service/{kind}?flow={flowId}", new JsonObject { ["method"] = "code", ["code"] = code });
        }).ToList();
        start.SetResult();
        var replies = await Task.WhenAll(submissions);
        foreach (var c in clients) c.Dispose();
        Assert.All(replies, r => Assert.True(r.Code < 500, r.ToString()));
        var passed = replies.Count(r => r.Json["state"]?.GetValue<string>() == "passed_challenge");
        Assert.True(passed == 1, string.Join("\n", replies.Select(r => r.ToString())));
        if (kind == "verification")
            Assert.True((await fixture.AddressOf(identityId))["verified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_resend_does_not_reset_the_guesses_left_in_a_flow()
    {
        var (app, flowId, code, _) = await SentCode("verification");
        using var __ = app;
        var path = $"/self-service/verification?flow={flowId}";
        var wrongCode = code == "123456" ? "654321" : "123456";
        var email = (await app.GetJson($"/self-service/verification/flows?id={flowId}")).Json["ui"]!["nodes"]!.AsArray()
            .Single(n => n!["attributes"]!["name"]!.GetValue<string>() == "email")!["attributes"]!["value"]!.GetValue<string>();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(200, (await app.PostJson(path, new JsonObject { ["method"] = "code", ["code"] = wrongCode })).Code);
            // Each guess is followed by a resend: without per-flow counting this gives endless guesses.
            Assert.Equal(200, (await app.PostJson(path, new JsonObject { ["method"] = "code", ["email"] = email })).Code);
            code = (await fixture.Mail.NextAsync(email)).Code;
        }
        wrongCode = code == "123456" ? "654321" : "123456";
        Assert.Equal(200, (await app.PostJson(path, new JsonObject { ["method"] = "code", ["code"] = wrongCode })).Code);
        var blocked = await app.PostJson(path, new JsonObject { ["method"] = "code", ["code"] = code });
        Assert.True(blocked.Code == 400, blocked.ToString());
        Assert.Equal([Messages.ValidationGeneric("").Id], MessageIds(blocked.Json));
    }

    [Fact]
    public async Task Answers_with_identity_or_session_data_are_not_cached()
    {
        using var app = fixture.Native();
        var registered = await RegisterNative(app, NewEmail());
        var headers = new Dictionary<string, string> { ["X-Session-Token"] = registered["session_token"]!.GetValue<string>() };
        var identityId = registered["identity"]!["id"]!.GetValue<string>();
        var settings = await app.GetJson("/self-service/settings/api", headers);
        var answers = new List<(string, HttpResponseMessage)>
        {
            ("whoami", (await app.GetJson("/sessions/whoami", headers)).Response),
            ("sessions", (await app.GetJson("/sessions", headers)).Response),
            ("settings", settings.Response),
            ("settings flow", (await app.GetJson($"/self-service/settings/flows?id={Id(settings.Json)}", headers)).Response),
            ("login flow", (await app.GetJson("/self-service/login/api")).Response),
            ("admin identities", (await fixture.Admin.Get("/admin/identities")).Response),
            ("admin identity", (await fixture.Admin.Get($"/admin/identities/{identityId}")).Response),
            ("admin sessions", (await fixture.Admin.Get($"/admin/identities/{identityId}/sessions")).Response),
            ("admin courier", (await fixture.Admin.Get("/admin/courier/messages")).Response),
        };
        foreach (var (name, response) in answers)
        {
            var cache = response.Headers.CacheControl;
            Assert.True(cache is { Private: true, NoCache: true, NoStore: true, MustRevalidate: true }, $"{name}: {cache}");
        }
    }

    [Fact]
    public async Task Built_in_pages_send_security_headers()
    {
        using var browser = fixture.Browser();
        foreach (var path in new[] { "/ui/login", "/ui/registration", "/ui/settings", "/ui/error?id=x", "/ui/welcome" })
        {
            var page = await browser.GetBrowser(path);
            var response = page.Response;
            var csp = response.Headers.TryGetValues("Content-Security-Policy", out var v) ? string.Join(",", v) : "";
            Assert.True(csp.Contains("frame-ancestors 'none'"), $"{path}: {csp}");
            Assert.Contains("default-src 'none'", csp);
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("same-origin", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
            Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
        }
    }
}
