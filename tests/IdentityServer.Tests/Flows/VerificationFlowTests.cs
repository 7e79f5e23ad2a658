using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Text;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

public sealed class PostgresVerificationFlowTests(PostgresCodeFlowFixture f) : VerificationFlowTests(f), IClassFixture<PostgresCodeFlowFixture>;
public sealed class SqliteVerificationFlowTests(SqliteCodeFlowFixture f) : VerificationFlowTests(f), IClassFixture<SqliteCodeFlowFixture>;

/// <summary>
/// The verification flow with `use: code`, through HTTP as browsers and apps use it, with the code
/// read from the message the server sent.
/// </summary>
public abstract class VerificationFlowTests(AddressFlowFixture fixture)
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    private static JsonObject EmailBody(string email, string? csrf = null) => new() { ["method"] = "code", ["email"] = email, ["csrf_token"] = csrf };

    private static JsonObject CodeBody(string code, string? csrf = null) => new() { ["method"] = "code", ["code"] = code, ["csrf_token"] = csrf };

    private static string State(JsonNode flow) => flow["state"]!.GetValue<string>();

    private async Task<(FlowClient App, JsonNode Flow)> SentNativeFlow(string email)
    {
        var app = fixture.Native();
        var flow = await StartApiFlow(app, "verification");
        var sent = await app.PostJson($"/self-service/verification?flow={Id(flow)}", EmailBody(email));
        Assert.True(sent.Code == 200, sent.ToString());
        return (app, sent.Json);
    }

    [Fact]
    public async Task Native_registration_sends_the_code_by_itself_and_the_code_verifies_the_address()
    {
        using var app = fixture.Native();
        var email = NewEmail();
        var registered = await RegisterNative(app, email);
        var identityId = Guid.Parse(registered["identity"]!["id"]!.GetValue<string>());

        var next = registered["continue_with"]!.AsArray().Single(c => c!["action"]!.GetValue<string>() == "show_verification_ui")!;
        Assert.Equal(email, next["flow"]!["verifiable_address"]!.GetValue<string>());
        Assert.Null(next["flow"]!["url"]);
        var flowId = next["flow"]!["id"]!.GetValue<string>();
        Assert.Equal("sent", (await fixture.AddressOf(identityId))["status"]!.GetValue<string>());

        var flow = await app.GetJson($"/self-service/verification/flows?id={flowId}");
        Assert.Equal(200, flow.Code);
        Assert.Equal("sent_email", State(flow.Json));
        Assert.Equal([Messages.VerificationEmailWithCodeSent().Id], MessageIds(flow.Json));

        var mail = await fixture.Mail.NextAsync(email);
        var done = await app.PostJson($"/self-service/verification?flow={flowId}", CodeBody(mail.Code));
        Assert.True(done.Code == 200, done.ToString());
        Assert.Equal("passed_challenge", State(done.Json));
        Assert.Equal([Messages.VerificationSuccessful().Id], MessageIds(done.Json));
        var onwards = done.Json["ui"]!["nodes"]!.AsArray().Single(n => n!["type"]!.GetValue<string>() == "a")!;
        Assert.Equal(AddressFlowFixture.AppUrl + "/verified", onwards["attributes"]!["href"]!.GetValue<string>());

        var address = await fixture.AddressOf(identityId);
        Assert.True(address["verified"]!.GetValue<bool>());
        Assert.Equal("completed", address["status"]!.GetValue<string>());
        Assert.NotNull(address["verified_at"]);
    }

    [Fact]
    public async Task A_new_address_from_settings_gets_its_own_verification_message()
    {
        using var app = fixture.Native();
        var email = NewEmail();
        var registered = await RegisterNative(app, email);
        var token = registered["session_token"]!.GetValue<string>();
        var identityId = Guid.Parse(registered["identity"]!["id"]!.GetValue<string>());
        await fixture.Mail.NextAsync(email);
        var headers = new Dictionary<string, string> { ["X-Session-Token"] = token };
        var settings = await app.GetJson("/self-service/settings/api", headers);
        Assert.Equal(200, settings.Code);

        var changed = NewEmail();
        var reply = await app.PostJson($"/self-service/settings?flow={Id(settings.Json)}",
            new JsonObject { ["method"] = "profile", ["traits"] = new JsonObject { ["email"] = changed } }, headers);
        Assert.True(reply.Code == 200, reply.ToString());
        Assert.Equal("sent", (await fixture.AddressOf(identityId))["status"]!.GetValue<string>());

        var mail = await fixture.Mail.NextAsync(changed);
        var link = mail.LinkTo("/self-service/verification");
        var flowId = link.Split("flow=")[1].Split('&')[0];
        var done = await app.PostJson($"/self-service/verification?flow={flowId}", CodeBody(mail.Code));
        Assert.True(done.Code == 200, done.ToString());
        Assert.Equal("passed_challenge", State(done.Json));
        var address = await fixture.AddressOf(identityId);
        Assert.Equal(changed, address["value"]!.GetValue<string>());
        Assert.True(address["verified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Browser_registration_continues_into_verification_and_the_code_is_entered_by_form_post()
    {
        using var browser = fixture.Browser();
        var registration = await StartBrowserFlowAt(browser);
        var email = NewEmail();
        var reply = await browser.PostForm($"/self-service/registration?flow={Id(registration)}",
            [F("csrf_token", Csrf(registration)), F("traits.email", email), F("password", Password), F("method", "password")]);
        Assert.Equal(HttpStatusCode.SeeOther, reply.Status);
        Assert.StartsWith(AddressFlowFixture.AppUrl + "/verification?flow=", reply.Location);

        var flow = await AddressFlowFixture.FetchFromUi(browser, "verification", reply.Location!);
        Assert.Equal("sent_email", State(flow));
        var mail = await fixture.Mail.NextAsync(email);
        var done = await browser.PostForm($"/self-service/verification?flow={Id(flow)}",
            [F("csrf_token", Csrf(flow)), F("code", mail.Code), F("method", "code")]);
        Assert.Equal(HttpStatusCode.SeeOther, done.Status);
        Assert.Equal(reply.Location, done.Location);
        var finished = await AddressFlowFixture.FetchFromUi(browser, "verification", done.Location!);
        Assert.Equal("passed_challenge", State(finished));
        Assert.Equal("GET", finished["ui"]!["method"]!.GetValue<string>());
    }

    private static async Task<JsonNode> StartBrowserFlowAt(FlowClient browser)
    {
        var init = await browser.GetBrowser("/self-service/registration/browser");
        return await AddressFlowFixture.FetchFromUi(browser, "registration", init.Location!);
    }

    [Fact]
    public async Task A_code_link_opened_in_another_browser_fills_in_the_code_and_verifies()
    {
        var email = NewEmail();
        var identityId = await fixture.CreateIdentityAsync(email);
        using var first = fixture.Browser();
        var flow = await AddressFlowFixture.StartBrowserFlow(first, "verification");
        var sent = await first.PostJson($"/self-service/verification?flow={Id(flow)}", EmailBody(email, Csrf(flow)));
        Assert.True(sent.Code == 200, sent.ToString());
        var mail = await fixture.Mail.NextAsync(email);

        using var second = fixture.Browser();
        var opened = await second.GetBrowser(mail.LinkTo("/self-service/verification"));
        Assert.Equal(HttpStatusCode.SeeOther, opened.Status);
        Assert.StartsWith(AddressFlowFixture.AppUrl + "/verification?flow=" + Id(flow), opened.Location);
        var filledIn = await AddressFlowFixture.FetchFromUi(second, "verification", opened.Location!);
        var codeNode = filledIn["ui"]!["nodes"]!.AsArray().Single(n => n!["attributes"]!["name"]?.GetValue<string>() == "code")!;
        Assert.Equal(mail.Code, codeNode["attributes"]!["value"]!.GetValue<string>());

        var done = await second.PostJson($"/self-service/verification?flow={Id(flow)}", CodeBody(mail.Code, Csrf(filledIn)));
        Assert.True(done.Code == 200, done.ToString());
        Assert.Equal("passed_challenge", State(done.Json));
        Assert.True((await fixture.AddressOf(identityId))["verified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Unknown_and_known_addresses_get_the_same_answer_and_the_unknown_one_a_notice_without_a_code()
    {
        var known = NewEmail();
        await fixture.CreateIdentityAsync(known);
        var unknown = NewEmail();
        var (a, knownFlow) = await SentNativeFlow(known);
        var (b, unknownFlow) = await SentNativeFlow(unknown);
        a.Dispose();
        b.Dispose();
        foreach (var flow in new[] { knownFlow, unknownFlow })
        {
            Assert.Equal("sent_email", State(flow));
            Assert.Equal([Messages.VerificationEmailWithCodeSent().Id], MessageIds(flow));
        }
        static string Shape(JsonNode flow) => string.Join(",", flow["ui"]!["nodes"]!.AsArray()
            .Select(n => $"{n!["attributes"]!["name"]}:{n["attributes"]!["type"]}"));
        Assert.Equal(Shape(knownFlow), Shape(unknownFlow));

        Assert.True((await fixture.Mail.NextAsync(known)).HasCode);
        var notice = await fixture.Mail.NextAsync(unknown);
        Assert.False(notice.HasCode);
        Assert.False(notice.HasLink);
    }

    [Fact]
    public async Task Wrong_expired_and_reused_codes_are_refused()
    {
        var email = NewEmail();
        await fixture.CreateIdentityAsync(email);
        var (app, flow) = await SentNativeFlow(email);
        using var _ = app;
        var code = (await fixture.Mail.NextAsync(email)).Code;
        var path = $"/self-service/verification?flow={Id(flow)}";

        var wrong = await app.PostJson(path, CodeBody(code == "000000" ? "111111" : "000000"));
        Assert.Equal(200, wrong.Code);
        Assert.Equal([Messages.VerificationCodeInvalidOrAlreadyUsed().Id], MessageIds(wrong.Json));
        Assert.Equal("sent_email", State(wrong.Json));

        // Codes live for an hour (the code method's default lifespan), this flow for three.
        using (fixture.Clock.Advance(TimeSpan.FromMinutes(61)))
        {
            var expired = await app.PostJson(path, CodeBody(code));
            Assert.Equal(200, expired.Code);
            Assert.Equal([Messages.VerificationCodeInvalidOrAlreadyUsed().Id], MessageIds(expired.Json));

            var resent = await app.PostJson(path, EmailBody(email));
            Assert.Equal(200, resent.Code);
            var fresh = (await fixture.Mail.NextAsync(email)).Code;
            var ok = await app.PostJson(path, CodeBody(fresh));
            Assert.True(ok.Code == 200, ok.ToString());
            Assert.Equal("passed_challenge", State(ok.Json));

            // The finished flow cannot be used again: a new flow carries the message.
            var reused = await app.PostJson(path, CodeBody(fresh));
            Assert.Equal(410, reused.Code);
            Assert.Equal("self_service_flow_replaced", reused.ErrorId);
            var replacement = await app.GetJson($"/self-service/verification/flows?id={reused.Json["use_flow_id"]!.GetValue<string>()}");
            Assert.Equal([Messages.VerificationRetrySuccess().Id], MessageIds(replacement.Json));
        }
    }

    [Fact]
    public async Task A_resend_replaces_the_earlier_code()
    {
        var email = NewEmail();
        await fixture.CreateIdentityAsync(email);
        var (app, flow) = await SentNativeFlow(email);
        using var _ = app;
        var first = (await fixture.Mail.NextAsync(email)).Code;
        var resent = await app.PostJson($"/self-service/verification?flow={Id(flow)}", EmailBody(email));
        Assert.Equal(200, resent.Code);
        var second = (await fixture.Mail.NextAsync(email)).Code;
        if (first == second) return; // one in a million: the same digits again
        var old = await app.PostJson($"/self-service/verification?flow={Id(flow)}", CodeBody(first));
        Assert.Equal([Messages.VerificationCodeInvalidOrAlreadyUsed().Id], MessageIds(old.Json));
        var ok = await app.PostJson($"/self-service/verification?flow={Id(flow)}", CodeBody(second));
        Assert.Equal("passed_challenge", State(ok.Json));
    }

    [Fact]
    public async Task After_five_wrong_codes_even_the_right_one_is_refused_and_a_new_code_does_not_reset_the_count()
    {
        var email = NewEmail();
        var identityId = await fixture.CreateIdentityAsync(email);
        var (app, flow) = await SentNativeFlow(email);
        using var _ = app;
        var code = (await fixture.Mail.NextAsync(email)).Code;
        var wrongCode = code == "123456" ? "654321" : "123456";
        var path = $"/self-service/verification?flow={Id(flow)}";
        for (var i = 0; i < 5; i++)
        {
            var wrong = await app.PostJson(path, CodeBody(wrongCode));
            Assert.Equal([Messages.VerificationCodeInvalidOrAlreadyUsed().Id], MessageIds(wrong.Json));
        }
        var blocked = await app.PostJson(path, CodeBody(code));
        Assert.Equal(400, blocked.Code);
        Assert.Equal([Messages.ValidationGeneric("").Id], MessageIds(blocked.Json));
        Assert.False((await fixture.AddressOf(identityId))["verified"]!.GetValue<bool>());

        var resent = await app.PostJson(path, EmailBody(email));
        Assert.Equal(200, resent.Code);
        // Guesses count per flow, as in Kratos: the new code does not bring new guesses.
        var fresh = (await fixture.Mail.NextAsync(email)).Code;
        var still = await app.PostJson(path, CodeBody(fresh));
        Assert.Equal(400, still.Code);
        Assert.Equal([Messages.ValidationGeneric("").Id], MessageIds(still.Json));
        Assert.False((await fixture.AddressOf(identityId))["verified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Expired_flows_are_replaced()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "verification");
        using var browser = fixture.Browser();
        var browserFlow = await AddressFlowFixture.StartBrowserFlow(browser, "verification");
        using (fixture.Clock.Advance(TimeSpan.FromHours(4)))
        {
            var reply = await app.PostJson($"/self-service/verification?flow={Id(flow)}", EmailBody(NewEmail()));
            Assert.Equal(410, reply.Code);
            Assert.Equal("self_service_flow_expired", reply.ErrorId);
            var fresh = await app.GetJson($"/self-service/verification/flows?id={reply.Json["use_flow_id"]!.GetValue<string>()}");
            Assert.Equal([Messages.VerificationFlowExpired(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow).Id], MessageIds(fresh.Json));

            var form = await browser.PostForm($"/self-service/verification?flow={Id(browserFlow)}",
                [F("csrf_token", Csrf(browserFlow)), F("email", NewEmail()), F("method", "code")]);
            Assert.Equal(HttpStatusCode.SeeOther, form.Status);
            Assert.StartsWith(AddressFlowFixture.AppUrl + "/verification?flow=", form.Location);
            Assert.DoesNotContain(Id(browserFlow), form.Location);

            var fetched = await app.GetJson($"/self-service/verification/flows?id={Id(flow)}");
            Assert.Equal(410, fetched.Code);
            Assert.Equal("self_service_flow_expired", fetched.ErrorId);
        }
    }

    [Fact]
    public async Task Bad_input_is_answered_with_kratos_errors()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "verification");
        var path = $"/self-service/verification?flow={Id(flow)}";

        var missing = await app.PostJson(path, new JsonObject { ["method"] = "code" });
        Assert.Equal(400, missing.Code);
        Assert.Equal([4000002L], NodeMessageIds(missing.Json, "email"));

        var notAnAddress = await app.PostJson(path, EmailBody("someone@"));
        Assert.Equal(400, notAnAddress.Code);
        Assert.Equal([Messages.ValidationEmail("").Id], NodeMessageIds(notAnAddress.Json, "email"));

        var wrongMethod = await app.PostJson(path, new JsonObject { ["method"] = "link", ["email"] = NewEmail() });
        Assert.Equal(400, wrongMethod.Code);
        Assert.Equal([Messages.VerificationNoStrategyFound().Id], MessageIds(wrongMethod.Json));

        var malformed = await app.PostRaw(path, "{\"method\": ", "application/json", json: true);
        Assert.Equal(400, malformed.Code);
        var notAString = await app.PostJson(path, new JsonObject { ["method"] = "code", ["code"] = 123456 });
        Assert.Equal(400, notAString.Code);
        var badPayload = await app.PostJson(path, new JsonObject { ["method"] = "code", ["email"] = NewEmail(), ["transient_payload"] = "[1]" });
        Assert.Equal(400, badPayload.Code);

        Assert.Equal(404, (await app.PostJson($"/self-service/verification?flow={Guid.NewGuid()}", EmailBody(NewEmail()))).Code);
        Assert.Equal(400, (await app.PostJson("/self-service/verification?flow=not-a-uuid", EmailBody(NewEmail()))).Code);
        Assert.Equal(404, (await app.GetJson($"/self-service/verification/flows?id={Guid.NewGuid()}")).Code);

        // Nothing was sent for any of these.
        Assert.Equal("choose_method", State((await app.GetJson($"/self-service/verification/flows?id={Id(flow)}")).Json));
    }

    [Fact]
    public async Task Browser_submissions_need_the_csrf_token_but_native_ones_must_not_carry_cookies()
    {
        using var browser = fixture.Browser();
        var flow = await AddressFlowFixture.StartBrowserFlow(browser, "verification");
        var noToken = await browser.PostJson($"/self-service/verification?flow={Id(flow)}", EmailBody(NewEmail()));
        Assert.Equal(403, noToken.Code);
        Assert.Equal("security_csrf_violation", noToken.ErrorId);

        using var stranger = fixture.Browser();
        var foreign = await stranger.GetJson($"/self-service/verification/flows?id={Id(flow)}");
        Assert.Equal(403, foreign.Code);

        using var app = fixture.Native();
        var native = await StartApiFlow(app, "verification");
        var withCookie = await app.PostJson($"/self-service/verification?flow={Id(native)}", EmailBody(NewEmail()),
            new Dictionary<string, string> { ["Cookie"] = "some=cookie" });
        Assert.Equal(400, withCookie.Code);
    }

    [Fact]
    public async Task A_browser_flow_is_created_with_the_code_form()
    {
        using var browser = fixture.Browser();
        var init = await browser.GetJson("/self-service/verification/browser?return_to=" + Uri.EscapeDataString(AddressFlowFixture.AppUrl + "/after"));
        Assert.Equal(200, init.Code);
        Assert.Equal("choose_method", State(init.Json));
        Assert.Equal("code", init.Json["active"]!.GetValue<string>());
        Assert.Equal(AddressFlowFixture.AppUrl + "/after", init.Json["return_to"]!.GetValue<string>());
        Assert.Equal(88, Csrf(init.Json).Length);

        var refused = await browser.GetJson("/self-service/verification/browser?return_to=https://evil.example.net/");
        Assert.Equal(400, refused.Code);
        Assert.Equal("self_service_flow_return_to_forbidden", refused.ErrorId);
    }

    [Fact]
    public async Task The_continue_link_follows_return_to()
    {
        var email = NewEmail();
        await fixture.CreateIdentityAsync(email);
        using var app = fixture.Native();
        var init = await app.GetJson("/self-service/verification/api?return_to=" + Uri.EscapeDataString(AddressFlowFixture.AppUrl + "/after"));
        var sent = await app.PostJson($"/self-service/verification?flow={Id(init.Json)}", EmailBody(email));
        Assert.Equal(200, sent.Code);
        var done = await app.PostJson($"/self-service/verification?flow={Id(init.Json)}", CodeBody((await fixture.Mail.NextAsync(email)).Code));
        Assert.Equal(AddressFlowFixture.AppUrl + "/after", done.Json["ui"]!["action"]!.GetValue<string>());
    }
}
