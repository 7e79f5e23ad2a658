using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Text;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

public sealed class PostgresRecoveryFlowTests(PostgresCodeFlowFixture f) : RecoveryFlowTests(f), IClassFixture<PostgresCodeFlowFixture>;
public sealed class SqliteRecoveryFlowTests(SqliteCodeFlowFixture f) : RecoveryFlowTests(f), IClassFixture<SqliteCodeFlowFixture>;

/// <summary>
/// The recovery flow with `use: code`: the code read from the delivered message signs the person in
/// with a privileged session and opens a settings flow where they choose a new password.
/// </summary>
public abstract class RecoveryFlowTests(AddressFlowFixture fixture)
{
    private const string NewPassword = "a-brand-new-and-unusual-passphrase";

    private static JsonObject EmailBody(string email, string? csrf = null) => new() { ["method"] = "code", ["email"] = email, ["csrf_token"] = csrf };

    private static JsonObject CodeBody(string code, string? csrf = null) => new() { ["method"] = "code", ["code"] = code, ["csrf_token"] = csrf };

    private static string State(JsonNode flow) => flow["state"]!.GetValue<string>();

    private static Dictionary<string, string> Token(string token) => new() { ["X-Session-Token"] = token };

    [Fact]
    public async Task Native_recovery_by_code_gives_a_session_token_and_a_settings_flow_to_change_the_password()
    {
        var email = NewEmail();
        var identityId = await fixture.CreateIdentityAsync(email);
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "recovery");
        Assert.Equal("choose_method", State(flow));
        var sent = await app.PostJson($"/self-service/recovery?flow={Id(flow)}", EmailBody(email));
        Assert.True(sent.Code == 200, sent.ToString());
        Assert.Equal("sent_email", State(sent.Json));
        Assert.Equal([Messages.RecoveryEmailWithCodeSent().Id], MessageIds(sent.Json));

        var mail = await fixture.Mail.NextAsync(email);
        var done = await app.PostJson($"/self-service/recovery?flow={Id(flow)}", CodeBody(mail.Code));
        Assert.True(done.Code == 200, done.ToString());
        Assert.Equal("passed_challenge", State(done.Json));
        var continueWith = done.Json["continue_with"]!.AsArray();
        var token = continueWith.Single(c => c!["action"]!.GetValue<string>() == "set_ory_session_token")!["ory_session_token"]!.GetValue<string>();
        var settings = continueWith.Single(c => c!["action"]!.GetValue<string>() == "show_settings_ui")!["flow"]!;
        var settingsId = settings["id"]!.GetValue<string>();

        var whoami = await app.GetJson("/sessions/whoami", Token(token));
        Assert.True(whoami.Code == 200, whoami.ToString());
        Assert.Equal(identityId.ToString(), whoami.Json["identity"]!["id"]!.GetValue<string>());
        Assert.Equal("code_recovery", whoami.Json["authentication_methods"]![0]!["method"]!.GetValue<string>());
        // Receiving the code proves the address too.
        Assert.True((await fixture.AddressOf(identityId))["verified"]!.GetValue<bool>());

        var settingsFlow = await app.GetJson($"/self-service/settings/flows?id={settingsId}", Token(token));
        Assert.True(settingsFlow.Code == 200, settingsFlow.ToString());
        Assert.Contains(Messages.RecoverySuccessful(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow).Id, MessageIds(settingsFlow.Json));
        var changed = await app.PostJson($"/self-service/settings?flow={settingsId}",
            new JsonObject { ["method"] = "password", ["password"] = NewPassword }, Token(token));
        Assert.True(changed.Code == 200, changed.ToString());

        Assert.Equal(400, (await LoginNative(app, email)).Code);
        var login = await LoginNative(app, email, NewPassword);
        Assert.True(login.Code == 200, login.ToString());

        // The code was used up.
        var reused = await app.PostJson($"/self-service/recovery?flow={Id(flow)}", CodeBody(mail.Code));
        Assert.Equal(410, reused.Code);
        Assert.Equal("self_service_flow_replaced", reused.ErrorId);
    }

    [Fact]
    public async Task A_browser_asking_for_json_is_told_to_go_to_the_settings_ui_and_a_form_post_is_redirected_there()
    {
        foreach (var json in new[] { true, false })
        {
            var email = NewEmail();
            await fixture.CreateIdentityAsync(email);
            using var browser = fixture.Browser();
            var flow = await AddressFlowFixture.StartBrowserFlow(browser, "recovery");
            var sent = await browser.PostForm($"/self-service/recovery?flow={Id(flow)}",
                [new("csrf_token", Csrf(flow)), new("email", email), new("method", "code")]);
            Assert.Equal(HttpStatusCode.SeeOther, sent.Status);
            var codeForm = await AddressFlowFixture.FetchFromUi(browser, "recovery", sent.Location!);
            var code = (await fixture.Mail.NextAsync(email)).Code;

            FlowClient.Reply done;
            string settingsUrl;
            if (json)
            {
                done = await browser.PostJson($"/self-service/recovery?flow={Id(flow)}", CodeBody(code, Csrf(codeForm)));
                Assert.Equal(422, done.Code);
                Assert.Equal("browser_location_change_required", done.ErrorId);
                settingsUrl = done.Json["redirect_browser_to"]!.GetValue<string>();
            }
            else
            {
                done = await browser.PostForm($"/self-service/recovery?flow={Id(flow)}",
                    [new("csrf_token", Csrf(codeForm)), new("code", code), new("method", "code")]);
                Assert.Equal(HttpStatusCode.SeeOther, done.Status);
                settingsUrl = done.Location!;
            }
            Assert.StartsWith(AddressFlowFixture.AppUrl + "/settings?flow=", settingsUrl);
            Assert.NotNull(browser.Cookie("ory_kratos_session"));
            var settings = await AddressFlowFixture.FetchFromUi(browser, "settings", settingsUrl);
            Assert.Contains(Messages.RecoverySuccessful(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow).Id, MessageIds(settings));

            var changed = await browser.PostJson($"/self-service/settings?flow={Id(settings)}",
                new JsonObject { ["method"] = "password", ["password"] = NewPassword, ["csrf_token"] = Csrf(settings) });
            Assert.True(changed.Code == 200, changed.ToString());
            using var app = fixture.Native();
            Assert.Equal(200, (await LoginNative(app, email, NewPassword)).Code);
        }
    }

    [Fact]
    public async Task Unknown_and_known_addresses_get_the_same_answer()
    {
        var known = NewEmail();
        await fixture.CreateIdentityAsync(known);
        var unknown = NewEmail();
        using var app = fixture.Native();
        var replies = new List<JsonNode>();
        foreach (var email in new[] { known, unknown })
        {
            var flow = await StartApiFlow(app, "recovery");
            var sent = await app.PostJson($"/self-service/recovery?flow={Id(flow)}", EmailBody(email));
            Assert.Equal(200, sent.Code);
            replies.Add(sent.Json);
        }
        static string Shape(JsonNode flow) => flow["state"] + "|" + string.Join(",", MessageIds(flow)) + "|" +
            string.Join(",", flow["ui"]!["nodes"]!.AsArray().Select(n => $"{n!["attributes"]!["name"]}:{n["attributes"]!["type"]}"));
        Assert.Equal(Shape(replies[0]), Shape(replies[1]));
        Assert.True((await fixture.Mail.NextAsync(known)).HasCode);
        Assert.False((await fixture.Mail.NextAsync(unknown)).HasCode);
    }

    [Fact]
    public async Task Wrong_codes_and_too_many_attempts_are_refused()
    {
        var email = NewEmail();
        await fixture.CreateIdentityAsync(email);
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "recovery");
        var path = $"/self-service/recovery?flow={Id(flow)}";
        Assert.Equal(200, (await app.PostJson(path, EmailBody(email))).Code);
        var code = (await fixture.Mail.NextAsync(email)).Code;
        var wrongCode = code == "123456" ? "654321" : "123456";
        for (var i = 0; i < 5; i++)
        {
            var wrong = await app.PostJson(path, CodeBody(wrongCode));
            Assert.Equal(200, wrong.Code);
            Assert.Equal([Messages.RecoveryCodeInvalidOrAlreadyUsed().Id], MessageIds(wrong.Json));
        }
        var blocked = await app.PostJson(path, CodeBody(code));
        Assert.Equal(400, blocked.Code);
        Assert.Equal([Messages.ValidationGeneric("").Id], MessageIds(blocked.Json));
        Assert.Null(blocked.Json["continue_with"]);

        // A new code (the resend button) expires like any other.
        Assert.Equal(200, (await app.PostJson(path, EmailBody(email))).Code);
        var fresh = (await fixture.Mail.NextAsync(email)).Code;
        var expired = fixture.Clock.Advance(TimeSpan.FromMinutes(61));
        var late = await app.PostJson(path, CodeBody(fresh));
        expired.Dispose();
        Assert.Equal([Messages.RecoveryCodeInvalidOrAlreadyUsed().Id], MessageIds(late.Json));
    }

    [Fact]
    public async Task An_inactive_identity_cannot_recover()
    {
        var email = NewEmail();
        var identityId = await fixture.CreateIdentityAsync(email, state: "inactive");
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "recovery");
        Assert.Equal(200, (await app.PostJson($"/self-service/recovery?flow={Id(flow)}", EmailBody(email))).Code);
        var refused = await app.PostJson($"/self-service/recovery?flow={Id(flow)}", CodeBody((await fixture.Mail.NextAsync(email)).Code));
        Assert.Equal(400, refused.Code);
        Assert.Equal([Messages.IdentityDisabled().Id], MessageIds(refused.Json));
        Assert.Empty((await fixture.Admin.Get($"/admin/identities/{identityId}/sessions")).Json.AsArray());
    }

    [Fact]
    public async Task Signed_in_clients_cannot_start_recovery()
    {
        var email = NewEmail();
        using var app = fixture.Native();
        var token = (await RegisterNative(app, email))["session_token"]!.GetValue<string>();
        var refused = await app.GetJson("/self-service/recovery/api", Token(token));
        Assert.Equal(400, refused.Code);
        Assert.Equal("session_already_available", refused.ErrorId);
    }

    [Fact]
    public async Task Bad_input_is_answered_with_kratos_errors()
    {
        using var browser = fixture.Browser();
        var flow = await AddressFlowFixture.StartBrowserFlow(browser, "recovery");
        var path = $"/self-service/recovery?flow={Id(flow)}";
        var csrf = await browser.PostJson(path, EmailBody(NewEmail()));
        Assert.Equal(403, csrf.Code);
        Assert.Equal("security_csrf_violation", csrf.ErrorId);

        var missing = await browser.PostJson(path, new JsonObject { ["method"] = "code", ["csrf_token"] = Csrf(flow) });
        Assert.Equal(400, missing.Code);
        Assert.Equal([4000002L], NodeMessageIds(missing.Json, "email"));

        var wrongMethod = await browser.PostJson(path, new JsonObject { ["method"] = "password", ["email"] = NewEmail(), ["csrf_token"] = Csrf(flow) });
        Assert.Equal(400, wrongMethod.Code);
        Assert.Equal([Messages.RecoveryNoStrategyFound().Id], MessageIds(wrongMethod.Json));

        var malformed = await browser.PostRaw(path, "not json", "application/json", json: true);
        Assert.Equal(400, malformed.Code);
        Assert.Equal(404, (await browser.PostJson($"/self-service/recovery?flow={Guid.NewGuid()}", EmailBody(NewEmail(), Csrf(flow)))).Code);

        using (fixture.Clock.Advance(TimeSpan.FromHours(4)))
        {
            var expired = await browser.PostJson(path, EmailBody(NewEmail(), Csrf(flow)));
            Assert.Equal(410, expired.Code);
            Assert.Equal("self_service_flow_expired", expired.ErrorId);
            var fresh = await browser.GetJson($"/self-service/recovery/flows?id={expired.Json["use_flow_id"]!.GetValue<string>()}");
            Assert.Equal([Messages.RecoveryFlowExpired(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow).Id], MessageIds(fresh.Json));
        }
    }

    [Fact]
    public async Task An_administrator_code_works_in_any_browser()
    {
        var email = NewEmail();
        var identityId = await fixture.CreateIdentityAsync(email);
        var created = await fixture.Admin.Post("/admin/recovery/code", new JsonObject { ["identity_id"] = identityId.ToString(), ["expires_in"] = "10m" });
        Assert.True(created.Code == 201, created.Body?.ToJsonString());
        var link = created.Json["recovery_link"]!.GetValue<string>();
        var code = created.Json["recovery_code"]!.GetValue<string>();
        Assert.StartsWith(AddressFlowFixture.AppUrl + "/recovery?flow=", link);
        Assert.Matches("^[0-9]{6}$", code);
        var expiresAt = DateTime.Parse(created.Json["expires_at"]!.GetValue<string>()).ToUniversalTime();
        Assert.InRange(expiresAt, DateTime.UtcNow.AddMinutes(9), DateTime.UtcNow.AddMinutes(11));

        using var browser = fixture.Browser();
        var flow = await AddressFlowFixture.FetchFromUi(browser, "recovery", link);
        Assert.Equal("sent_email", State(flow));
        var done = await browser.PostForm($"/self-service/recovery?flow={Id(flow)}", [new("code", code), new("method", "code")]);
        Assert.Equal(HttpStatusCode.SeeOther, done.Status);
        Assert.StartsWith(AddressFlowFixture.AppUrl + "/settings?flow=", done.Location);
        Assert.NotNull(browser.Cookie("ory_kratos_session"));
        // An administrator's code does not prove the address.
        Assert.False((await fixture.AddressOf(identityId))["verified"]!.GetValue<bool>());
        Assert.Equal(0, fixture.Mail.CountTo(email));
    }

    [Fact]
    public async Task Administrator_requests_are_checked()
    {
        var identityId = await fixture.CreateIdentityAsync(NewEmail());
        async Task<(int Code, string? Reason)> Post(string path, string body)
        {
            var reply = await fixture.Admin.PostRaw(path, body);
            return (reply.Code, reply.Body?["error"]?["reason"]?.GetValue<string>());
        }
        foreach (var path in new[] { "/admin/recovery/code", "/admin/recovery/link" })
        {
            Assert.Equal(400, (await Post(path, "{")).Code);
            Assert.Equal(400, (await Post(path, "{}")).Code);
            Assert.Equal(400, (await Post(path, "{\"identity_id\": \"not-a-uuid\"}")).Code);
            var badDuration = await Post(path, $"{{\"identity_id\": \"{identityId}\", \"expires_in\": \"soon\"}}");
            Assert.Equal(400, badDuration.Code);
            Assert.Contains("expires_in", badDuration.Reason);
            Assert.Equal(400, (await Post(path, $"{{\"identity_id\": \"{identityId}\", \"expires_in\": \"0s\"}}")).Code);
        }
        Assert.Equal(404, (await Post("/admin/recovery/code", $"{{\"identity_id\": \"{Guid.NewGuid()}\"}}")).Code);
        Assert.Equal(400, (await Post("/admin/recovery/link", $"{{\"identity_id\": \"{Guid.NewGuid()}\"}}")).Code);
        Assert.Equal(400, (await Post("/admin/recovery/code", $"{{\"identity_id\": \"{identityId}\", \"flow_type\": \"carrier-pigeon\"}}")).Code);

        // Only on the admin listener.
        using var app = fixture.Native();
        Assert.Equal(404, (await app.PostJson("/admin/recovery/code", new JsonObject { ["identity_id"] = identityId.ToString() })).Code);
    }
}
