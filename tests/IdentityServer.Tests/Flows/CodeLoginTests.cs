using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Persistence;
using IdentityServer.SelfService.Strategies.Code;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

public sealed class PostgresCodeLoginTests(PostgresPasswordlessCodeFixture f) : CodeLoginTests(f), IClassFixture<PostgresPasswordlessCodeFixture>;
public sealed class SqliteCodeLoginTests(SqlitePasswordlessCodeFixture f) : CodeLoginTests(f), IClassFixture<SqlitePasswordlessCodeFixture>;

/// <summary>Passwordless login by one-time code, as browsers and native apps use it.</summary>
public abstract class CodeLoginTests(CodeMethodFixture fixture)
{
    private const string LoginTemplate = "login_code_valid";

    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    private async Task<(string Email, string IdentityId)> CreateIdentity()
    {
        var email = NewEmail();
        var created = await fixture.Admin.Post("/admin/identities", new JsonObject { ["schema_id"] = "default", ["traits"] = new JsonObject { ["email"] = email } });
        Assert.Equal(201, created.Code);
        return (email, created.Json["id"]!.GetValue<string>());
    }

    private static JsonObject CodeBody(string? identifier = null, string? code = null, string? csrf = null, string? resend = null)
    {
        var body = new JsonObject { ["method"] = "code" };
        if (identifier is not null) body["identifier"] = identifier;
        if (code is not null) body["code"] = code;
        if (csrf is not null) body["csrf_token"] = csrf;
        if (resend is not null) body["resend"] = resend;
        return body;
    }

    private static string State(JsonNode flow) => flow["state"]!.GetValue<string>();

    /// <summary>Starts a native flow and asks for a code; returns the flow and the code that arrived.</summary>
    private async Task<(JsonNode Flow, string Code)> RequestCodeNative(FlowClient app, string identifier, string recipient)
    {
        var flow = await StartApiFlow(app, "login");
        var sent = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(identifier));
        Assert.True(sent.Code == 400, sent.ToString());
        Assert.Equal("sent_email", State(sent.Json));
        return (sent.Json, await fixture.Inbox.NextCodeAsync(recipient, LoginTemplate));
    }

    [Fact]
    public async Task Native_login_by_code_issues_a_session_and_verifies_the_address()
    {
        var (email, identityId) = await CreateIdentity();
        var before = await fixture.Admin.Get($"/admin/identities/{identityId}");
        Assert.False(before.Json["verifiable_addresses"]![0]!["verified"]!.GetValue<bool>());
        Assert.Contains("code", before.Json["credentials"]!.AsObject().Select(p => p.Key));

        using var app = fixture.Native();
        // Phones like to capitalise the first letter: the address is found all the same.
        var (sent, code) = await RequestCodeNative(app, email.ToUpperInvariant(), email);
        Assert.Equal([1010014L], MessageIds(sent));
        Assert.Equal("code", sent["active"]!.GetValue<string>());
        // The message was written with the flow, under Kratos's template type and model names.
        var (template, channel, data) = Assert.Single(await fixture.Inbox.QueuedForAsync(email));
        Assert.Equal((LoginTemplate, "email"), (template, channel));
        Assert.Equal(email, data["To"]!.GetValue<string>());
        Assert.Equal(code, data["LoginCode"]!.GetValue<string>());
        Assert.Equal(identityId, data["Identity"]!["id"]!.GetValue<string>());
        Assert.Equal(15, data["ExpiresInMinutes"]!.GetValue<int>());
        Assert.StartsWith("http://127.0.0.1:4433/self-service/login/api", data["RequestURL"]!.GetValue<string>());
        var mail = Assert.Single(fixture.Inbox.Sink.MessagesTo(email)).Message;
        Assert.Equal(email, Assert.Single(mail.To.Mailboxes).Address);
        Assert.Contains("valid for 15 minutes", mail.TextBody);

        var done = await app.PostJson($"/self-service/login?flow={Id(sent)}", CodeBody(email, code));
        Assert.True(done.Code == 200, done.ToString());
        var token = done.Json["session_token"]!.GetValue<string>();
        var methods = done.Json["session"]!["authentication_methods"]!.AsArray();
        Assert.Equal("code", methods.Single()!["method"]!.GetValue<string>());
        Assert.Equal("aal1", done.Json["session"]!["authenticator_assurance_level"]!.GetValue<string>());
        Assert.Equal("set_ory_session_token", done.Json["continue_with"]![0]!["action"]!.GetValue<string>());

        var whoami = await app.GetJson("/sessions/whoami", new Dictionary<string, string> { ["X-Session-Token"] = token });
        Assert.Equal(identityId, whoami.Json["identity"]!["id"]!.GetValue<string>());
        var after = await fixture.Admin.Get($"/admin/identities/{identityId}");
        Assert.True(after.Json["verifiable_addresses"]![0]!["verified"]!.GetValue<bool>());
        Assert.Equal("completed", after.Json["verifiable_addresses"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Browser_login_by_code_with_form_posts_redirects_with_a_session_cookie()
    {
        var (email, _) = await CreateIdentity();
        using var browser = fixture.Browser();
        var flow = await StartBrowserFlow(browser, "login");
        var sent = await browser.PostForm($"/self-service/login?flow={Id(flow)}",
            [F("csrf_token", Csrf(flow)), F("identifier", email), F("method", "code")]);
        Assert.True(sent.Status == HttpStatusCode.SeeOther, sent.ToString());
        Assert.Equal($"{FlowFixture.AppUrl}/login?flow={Id(flow)}", sent.Location);

        var shown = (await browser.GetJson($"/self-service/login/flows?id={Id(flow)}")).Json;
        Assert.Equal("sent_email", State(shown));
        var hidden = shown["ui"]!["nodes"]!.AsArray().Single(n => n!["attributes"]!["name"]!.GetValue<string>() == "identifier")!;
        Assert.Equal("hidden", hidden["attributes"]!["type"]!.GetValue<string>());
        Assert.Equal(email, hidden["attributes"]!["value"]!.GetValue<string>());

        var code = await fixture.Inbox.NextCodeAsync(email, LoginTemplate);
        var done = await browser.PostForm($"/self-service/login?flow={Id(flow)}",
            [F("csrf_token", Csrf(shown)), F("identifier", email), F("method", "code"), F("code", code)]);
        Assert.True(done.Status == HttpStatusCode.SeeOther, done.ToString());
        Assert.Equal(FlowFixture.AppUrl + "/", done.Location);
        Assert.NotNull(browser.Cookie("ory_kratos_session"));
        var whoami = await browser.GetJson("/sessions/whoami");
        Assert.Equal(200, whoami.Code);
    }

    [Fact]
    public async Task Ajax_login_by_code_gets_json_answers()
    {
        var (email, _) = await CreateIdentity();
        using var browser = fixture.Browser();
        var flow = (await browser.GetJson("/self-service/login/browser")).Json;
        var sent = await browser.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(email, csrf: Csrf(flow)));
        Assert.Equal(400, sent.Code);
        Assert.Equal("sent_email", State(sent.Json));
        // The code entry form keeps the CSRF token for the next post.
        Assert.Equal(Csrf(flow), Csrf(sent.Json));

        var done = await browser.PostJson($"/self-service/login?flow={Id(flow)}",
            CodeBody(code: await fixture.Inbox.NextCodeAsync(email, LoginTemplate), csrf: Csrf(sent.Json)));
        Assert.True(done.Code == 200, done.ToString());
        Assert.Null(done.Json["session_token"]);
        Assert.Equal("redirect_browser_to", done.Json["continue_with"]![0]!["action"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_identifier_is_4000035_and_sends_nothing()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "login");
        var email = NewEmail();
        var reply = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(email));
        Assert.Equal(400, reply.Code);
        Assert.Equal([4000035L], MessageIds(reply.Json));
        Assert.Equal("choose_method", State(reply.Json));
        Assert.Empty(await fixture.Inbox.QueuedForAsync(email));

        var empty = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(""));
        Assert.Equal(400, empty.Code);
        Assert.Equal([4000002L], NodeMessageIds(empty.Json, "identifier"));
    }

    [Fact]
    public async Task Wrong_code_is_4010008_and_the_right_one_still_works()
    {
        var (email, _) = await CreateIdentity();
        using var app = fixture.Native();
        var (flow, code) = await RequestCodeNative(app, email, email);
        var wrong = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(email, Other(code)));
        Assert.Equal(400, wrong.Code);
        Assert.Equal([4010008L], MessageIds(wrong.Json));
        Assert.Equal("sent_email", State(wrong.Json));

        var missing = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(email));
        Assert.Equal(400, missing.Code);
        Assert.Equal([4000002L], NodeMessageIds(missing.Json, "code"));

        // The identifier is taken from the flow when a client leaves it out.
        var right = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(code: code));
        Assert.True(right.Code == 200, right.ToString());
    }

    [Fact]
    public async Task The_code_of_another_account_or_flow_is_refused()
    {
        var (email, _) = await CreateIdentity();
        var (other, _) = await CreateIdentity();
        using var app = fixture.Native();
        var (flowA, codeA) = await RequestCodeNative(app, email, email);
        var (flowB, codeB) = await RequestCodeNative(app, email, email);
        if (codeA == codeB)
        {
            var resent = await app.PostJson($"/self-service/login?flow={Id(flowB)}", CodeBody(email, resend: "code"));
            Assert.Equal(400, resent.Code);
            codeB = await fixture.Inbox.NextCodeAsync(email, LoginTemplate);
        }

        // Flow B's code does not open flow A.
        var crossed = await app.PostJson($"/self-service/login?flow={Id(flowA)}", CodeBody(email, codeB));
        Assert.Equal([4010008L], MessageIds(crossed.Json));

        // An unknown identifier is 4000035.
        var unknown = await app.PostJson($"/self-service/login?flow={Id(flowA)}", CodeBody(NewEmail(), codeA));
        Assert.Equal([4000035L], MessageIds(unknown.Json));

        var done = await app.PostJson($"/self-service/login?flow={Id(flowA)}", CodeBody(email, codeA));
        Assert.True(done.Code == 200, done.ToString());

        // A code sent for one account does not sign in another; tried that way, it is used up.
        var (flowC, codeC) = await RequestCodeNative(app, email, email);
        var switched = await app.PostJson($"/self-service/login?flow={Id(flowC)}", CodeBody(other, codeC));
        Assert.Equal([4010008L], MessageIds(switched.Json));
        Assert.Equal([4010008L], MessageIds((await app.PostJson($"/self-service/login?flow={Id(flowC)}", CodeBody(email, codeC))).Json));

        // Used once: the same code and flow do not sign in again.
        var reused = await app.PostJson($"/self-service/login?flow={Id(flowA)}", CodeBody(email, codeA));
        Assert.Equal(400, reused.Code);
        Assert.Null(reused.Json["session"]);
    }

    [Fact]
    public async Task After_five_wrong_codes_even_the_right_one_is_refused_and_a_new_code_does_not_reset_the_count()
    {
        var (email, _) = await CreateIdentity();
        using var app = fixture.Native();
        var (flow, code) = await RequestCodeNative(app, email, email);
        for (var i = 0; i < 5; i++)
        {
            var wrong = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(email, Other(code)));
            Assert.Equal([4010008L], MessageIds(wrong.Json));
        }
        var blocked = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(email, code));
        Assert.Equal(400, blocked.Code);
        Assert.Equal([4000001L], MessageIds(blocked.Json));
        Assert.Contains("submitted too often", blocked.Json["ui"]!["messages"]![0]!["text"]!.GetValue<string>());

        var resent = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(email, resend: "code"));
        Assert.Equal(400, resent.Code);
        Assert.Equal([1010014L], MessageIds(resent.Json));
        // Guesses count per flow, as in Kratos: the new code does not bring new guesses.
        var fresh = await fixture.Inbox.NextCodeAsync(email, LoginTemplate);
        var still = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(email, fresh));
        Assert.Equal(400, still.Code);
        Assert.Equal([4000001L], MessageIds(still.Json));
        Assert.Null(still.Json["session"]);
    }

    [Fact]
    public async Task Resending_replaces_the_earlier_code()
    {
        var (email, _) = await CreateIdentity();
        using var app = fixture.Native();
        var (flow, first) = await RequestCodeNative(app, email, email);
        string second;
        do
        {
            // The resend button posts the hidden identifier with it; the flow holds it as well.
            var resent = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(resend: "code"));
            Assert.Equal(400, resent.Code);
            Assert.Equal("sent_email", State(resent.Json));
            second = await fixture.Inbox.NextCodeAsync(email, LoginTemplate);
        } while (second == first);

        var old = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(email, first));
        Assert.Equal([4010008L], MessageIds(old.Json));
        var done = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(email, second));
        Assert.True(done.Code == 200, done.ToString());
    }

    [Fact]
    public async Task An_expired_code_is_refused()
    {
        var (email, _) = await CreateIdentity();
        using var app = fixture.Native();
        var (flow, code) = await RequestCodeNative(app, email, email);
        using (var scope = fixture.Server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var flowId = Guid.Parse(Id(flow));
            var stored = await db.Set<LoginCode>().SingleAsync(c => c.FlowId == flowId);
            // Only an HMAC of the code is stored.
            Assert.Matches("^[0-9a-f]{64}$", stored.Hash);
            stored.ExpiresAt = DateTime.UtcNow.AddSeconds(-1);
            await db.SaveChangesAsync();
        }
        var reply = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(email, code));
        Assert.Equal(400, reply.Code);
        Assert.Equal([4010008L], MessageIds(reply.Json));
    }

    [Fact]
    public async Task Malformed_bodies_and_csrf()
    {
        var (email, _) = await CreateIdentity();
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "login");
        var path = $"/self-service/login?flow={Id(flow)}";
        // As in Kratos, a malformed body on a known flow comes back on the flow's form (4000001).
        var numeric = await app.PostJson(path, new JsonObject { ["method"] = "code", ["identifier"] = email, ["code"] = 123456 });
        Assert.Equal(400, numeric.Code);
        Assert.Equal([4000001L], MessageIds(numeric.Json));
        var broken = await app.PostRaw(path, "{\"method\":\"code\",", "application/json", json: true);
        Assert.Equal(400, broken.Code);
        Assert.Equal([4000001L], MessageIds(broken.Json));
        var payload = await app.PostJson(path, new JsonObject { ["method"] = "code", ["identifier"] = email, ["transient_payload"] = "[1]" });
        Assert.Equal(400, payload.Code);
        Assert.Equal([4000001L], MessageIds(payload.Json));
        Assert.Equal("choose_method", State(payload.Json));
        Assert.Empty(await fixture.Inbox.QueuedForAsync(email));

        // A browser flow needs the anti-CSRF token; a native flow must not carry cookies.
        using var browser = fixture.Browser();
        var browserFlow = (await browser.GetJson("/self-service/login/browser")).Json;
        var forged = await browser.PostJson($"/self-service/login?flow={Id(browserFlow)}", CodeBody(email));
        Assert.Equal(403, forged.Code);
        Assert.Equal("security_csrf_violation", forged.ErrorId);
        var cookie = await app.PostJson(path, CodeBody(email), new Dictionary<string, string> { ["Cookie"] = "session=1" });
        Assert.Equal(400, cookie.Code);
        Assert.Empty(await fixture.Inbox.QueuedForAsync(email));
    }

    [Fact]
    public async Task A_refresh_by_code_renews_the_same_session_and_only_for_its_identity()
    {
        var (email, _) = await CreateIdentity();
        var (other, _) = await CreateIdentity();
        using var app = fixture.Native();
        var (first, code) = await RequestCodeNative(app, email, email);
        var signedIn = await app.PostJson($"/self-service/login?flow={Id(first)}", CodeBody(code: code));
        var token = new Dictionary<string, string> { ["X-Session-Token"] = signedIn.Json["session_token"]!.GetValue<string>() };
        var sessionId = signedIn.Json["session"]!["id"]!.GetValue<string>();

        var refresh = (await app.GetJson("/self-service/login/api?refresh=true", token)).Json;
        Assert.True(refresh["refresh"]!.GetValue<bool>());
        // The signed-in identity's address is prefilled, hidden; the form offers sending it a code.
        var prefilled = refresh["ui"]!["nodes"]!.AsArray().Single(n => n!["attributes"]!["name"]!.GetValue<string>() == "identifier")!["attributes"]!;
        Assert.Equal(("hidden", email), (prefilled["type"]!.GetValue<string>(), prefilled["value"]!.GetValue<string>()));
        var foreign = await app.PostJson($"/self-service/login?flow={Id(refresh)}", CodeBody(other), token);
        Assert.Equal([4000035L], MessageIds(foreign.Json));
        Assert.Empty(await fixture.Inbox.QueuedForAsync(other));

        var sent = await app.PostJson($"/self-service/login?flow={Id(refresh)}", CodeBody(email), token);
        Assert.Equal([1010025L], MessageIds(sent.Json));
        var renewed = await app.PostJson($"/self-service/login?flow={Id(refresh)}",
            CodeBody(code: await fixture.Inbox.NextCodeAsync(email, LoginTemplate)), token);
        Assert.True(renewed.Code == 200, renewed.ToString());
        Assert.Equal(sessionId, renewed.Json["session"]!["id"]!.GetValue<string>());
        Assert.Equal(2, renewed.Json["session"]!["authentication_methods"]!.AsArray().Count);
    }

    [Fact]
    public async Task Sign_up_and_sign_in_by_sms()
    {
        var national = $"176 {Random.Shared.Next(1000, 9999)} {Random.Shared.Next(1000, 9999)}";
        var phone = "+49" + national.Replace(" ", "");
        var email = NewEmail();
        using var app = fixture.Native();
        var registration = await StartApiFlow(app, "registration");
        var path = $"/self-service/registration?flow={Id(registration)}";
        var traits = new JsonObject { ["email"] = email, ["phone"] = phone };
        var sent = await app.PostJson(path, new JsonObject { ["method"] = "code", ["traits"] = traits.DeepClone() });
        Assert.True(sent.Code == 400, sent.ToString());

        // One code per address: either one proves its own address.
        await fixture.Inbox.NextCodeAsync(email, "registration_code_valid");
        var smsCode = await fixture.Sms.NextCodeAsync(phone);
        Assert.Contains("sign-up code", fixture.Sms.TextsTo(phone).Single());
        var registered = await app.PostJson(path, new JsonObject { ["method"] = "code", ["traits"] = traits.DeepClone(), ["code"] = smsCode });
        Assert.True(registered.Code == 200, registered.ToString());
        var id = registered.Json["identity"]!["id"]!.GetValue<string>();
        var identity = (await fixture.Admin.Get($"/admin/identities/{id}")).Json;
        var verified = identity["verifiable_addresses"]!.AsArray().ToDictionary(a => a!["value"]!.GetValue<string>(), a => a!["verified"]!.GetValue<bool>());
        Assert.Equal(new Dictionary<string, bool> { [email] = false, [phone] = true }, verified);
        Assert.Equal(new[] { email, phone }.Order(), identity["credentials"]!["code"]!["identifiers"]!.AsArray().Select(i => i!.GetValue<string>()).Order());

        // Signing in with the number written another way sends a text, not a mail.
        var (flow, code) = (await StartApiFlow(app, "login"), "");
        var requested = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody("+49 " + national));
        Assert.True(requested.Code == 400, requested.ToString());
        code = await fixture.Sms.NextCodeAsync(phone);
        var (template, channel, data) = (await fixture.Inbox.QueuedForAsync(phone))[^1];
        Assert.Equal((LoginTemplate, "sms"), (template, channel));
        Assert.Equal("127.0.0.1", data["RequestURLDomain"]!.GetValue<string>());
        var done = await app.PostJson($"/self-service/login?flow={Id(flow)}", CodeBody(code: code));
        Assert.True(done.Code == 200, done.ToString());
        Assert.Equal(id, done.Json["session"]!["identity"]!["id"]!.GetValue<string>());
        Assert.Single(fixture.Inbox.Sink.MessagesTo(email));
    }

    private static string Other(string code) => ((int.Parse(code) + 1) % 1_000_000).ToString("D6");
}

/// <summary>Code login behind the identifier-first form: the identifier screen, then the code button.</summary>
public sealed class CodeIdentifierFirstTests(SqliteIdentifierFirstCodeFixture fixture) : IClassFixture<SqliteIdentifierFirstCodeFixture>
{
    [Fact]
    public async Task The_identifier_screen_leads_to_sending_a_code()
    {
        var email = NewEmail();
        Assert.Equal(201, (await fixture.Admin.Post("/admin/identities",
            new JsonObject { ["schema_id"] = "default", ["traits"] = new JsonObject { ["email"] = email } })).Code);
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "login");
        var path = $"/self-service/login?flow={Id(flow)}";
        var unknown = await app.PostJson(path, new JsonObject { ["method"] = "identifier_first", ["identifier"] = NewEmail() });
        Assert.Equal([4000037L], NodeMessageIds(unknown.Json, "identifier"));

        var second = await app.PostJson(path, new JsonObject { ["method"] = "identifier_first", ["identifier"] = email });
        Assert.Equal(400, second.Code);
        var button = second.Json["ui"]!["nodes"]!.AsArray().Single(n => n!["group"]!.GetValue<string>() == "code")!;
        Assert.Equal(1010015, button["meta"]!["label"]!["id"]!.GetValue<long>());

        var sent = await app.PostJson(path, new JsonObject { ["method"] = "code", ["identifier"] = email });
        Assert.Equal("sent_email", sent.Json["state"]!.GetValue<string>());
        var code = await fixture.Inbox.NextCodeAsync(email, "login_code_valid");
        var done = await app.PostJson(path, new JsonObject { ["method"] = "code", ["code"] = code });
        Assert.True(done.Code == 200, done.ToString());
    }
}
