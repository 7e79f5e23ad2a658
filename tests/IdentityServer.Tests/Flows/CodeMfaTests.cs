using System.Net;
using System.Text.Json.Nodes;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

public sealed class PostgresCodeMfaTests(PostgresMfaCodeFixture f) : CodeMfaTests(f), IClassFixture<PostgresMfaCodeFixture>;
public sealed class SqliteCodeMfaTests(SqliteMfaCodeFixture f) : CodeMfaTests(f), IClassFixture<SqliteMfaCodeFixture>;

/// <summary>The code as a second factor (`mfa_enabled`): a password session steps up to aal2.</summary>
public abstract class CodeMfaTests(CodeMethodFixture fixture)
{
    private const string Template = "login_code_valid";

    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    private static Dictionary<string, string> Token(string token) => new() { ["X-Session-Token"] = token };

    private static IEnumerable<JsonNode> Nodes(JsonNode flow, string group) =>
        flow["ui"]!["nodes"]!.AsArray().Where(n => n!["group"]!.GetValue<string>() == group).Select(n => n!);

    /// <summary>Registers with a password and signs in natively: the aal1 session token.</summary>
    private async Task<(string Email, string Token, string SessionId)> SignInWithPassword(FlowClient app)
    {
        var email = NewEmail();
        var flow = await StartApiFlow(app, "registration");
        var registered = await app.PostJson($"/self-service/registration?flow={Id(flow)}", RegistrationBody(email));
        Assert.True(registered.Code == 200, registered.ToString());
        var login = await LoginNative(app, email);
        Assert.True(login.Code == 200, login.ToString());
        Assert.Equal("aal1", login.Json["session"]!["authenticator_assurance_level"]!.GetValue<string>());
        return (email, login.Json["session_token"]!.GetValue<string>(), login.Json["session"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Native_second_factor_by_code_raises_the_same_session_to_aal2()
    {
        using var app = fixture.Native();
        var (email, token, sessionId) = await SignInWithPassword(app);
        // With the code as second factor, whoami (required_aal: highest_available) asks for it, as Kratos does.
        var aal1 = await app.GetJson("/sessions/whoami", Token(token));
        Assert.Equal(403, aal1.Code);
        Assert.Equal("session_aal2_required", aal1.ErrorId);
        Assert.Contains("aal=aal2", aal1.Json["redirect_browser_to"]!.GetValue<string>());

        var init = await app.GetJson("/self-service/login/api?aal=aal2", Token(token));
        Assert.True(init.Code == 200, init.ToString());
        var flow = init.Json;
        Assert.Equal("aal2", flow["requested_aal"]!.GetValue<string>());
        Assert.Equal([1010004L], MessageIds(flow));
        var button = Assert.Single(Nodes(flow, "code"));
        Assert.Equal("address", button["attributes"]!["name"]!.GetValue<string>());
        Assert.Equal(email, button["attributes"]!["value"]!.GetValue<string>());
        Assert.Equal(1010023, button["meta"]!["label"]!["id"]!.GetValue<long>());
        Assert.Empty(Nodes(flow, "password"));

        // The address button posts `address` without `method`, as in Kratos's forms.
        var sent = await app.PostJson($"/self-service/login?flow={Id(flow)}", new JsonObject { ["address"] = email }, Token(token));
        Assert.True(sent.Code == 400, sent.ToString());
        Assert.Equal("sent_email", sent.Json["state"]!.GetValue<string>());
        Assert.Equal([1010025L], MessageIds(sent.Json));
        var code = await fixture.Inbox.NextCodeAsync(email, Template);

        var done = await app.PostJson($"/self-service/login?flow={Id(flow)}", new JsonObject { ["method"] = "code", ["code"] = code }, Token(token));
        Assert.True(done.Code == 200, done.ToString());
        Assert.Equal(token, done.Json["session_token"]!.GetValue<string>());
        var session = done.Json["session"]!;
        Assert.Equal(sessionId, session["id"]!.GetValue<string>());
        Assert.Equal("aal2", session["authenticator_assurance_level"]!.GetValue<string>());
        Assert.Equal(["password", "code"], session["authentication_methods"]!.AsArray().Select(m => m!["method"]!.GetValue<string>()));

        var whoami = await app.GetJson("/sessions/whoami", Token(token));
        Assert.Equal("aal2", whoami.Json["authenticator_assurance_level"]!.GetValue<string>());

        // At aal2 already, another aal2 flow is refused.
        var again = await app.GetJson("/self-service/login/api?aal=aal2", Token(token));
        Assert.Equal(400, again.Code);
        Assert.Equal("session_already_available", again.ErrorId);
    }

    [Fact]
    public async Task Browser_second_factor_by_code_with_form_posts()
    {
        var email = NewEmail();
        using (var app = fixture.Native())
        {
            var registration = await StartApiFlow(app, "registration");
            Assert.Equal(200, (await app.PostJson($"/self-service/registration?flow={Id(registration)}", RegistrationBody(email))).Code);
        }
        using var browser = fixture.Browser();
        var login = await StartBrowserFlow(browser, "login");
        var signedIn = await browser.PostForm($"/self-service/login?flow={Id(login)}",
            [F("csrf_token", Csrf(login)), F("identifier", email), F("password", Password), F("method", "password")]);
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.Status);
        Assert.Equal(403, (await browser.GetJson("/sessions/whoami")).Code);

        var flow = await StartBrowserFlow(browser, "login", "?aal=aal2&via=email");
        var sent = await browser.PostForm($"/self-service/login?flow={Id(flow)}", [F("csrf_token", Csrf(flow)), F("address", email)]);
        Assert.True(sent.Status == HttpStatusCode.SeeOther, sent.ToString());
        Assert.Equal($"{FlowFixture.AppUrl}/login?flow={Id(flow)}", sent.Location);
        var shown = (await browser.GetJson($"/self-service/login/flows?id={Id(flow)}")).Json;
        Assert.Equal("sent_email", shown["state"]!.GetValue<string>());

        var done = await browser.PostForm($"/self-service/login?flow={Id(flow)}",
            [F("csrf_token", Csrf(shown)), F("identifier", email), F("method", "code"), F("code", await fixture.Inbox.NextCodeAsync(email, Template))]);
        Assert.True(done.Status == HttpStatusCode.SeeOther, done.ToString());
        var whoami = await browser.GetJson("/sessions/whoami");
        Assert.Equal("aal2", whoami.Json["authenticator_assurance_level"]!.GetValue<string>());
    }

    [Fact]
    public async Task Only_the_signed_in_identity_addresses_get_a_code()
    {
        using var app = fixture.Native();
        var (email, token, _) = await SignInWithPassword(app);
        var (other, _, _) = await SignInWithPassword(app);
        var flow = (await app.GetJson("/self-service/login/api?aal=aal2", Token(token))).Json;
        var foreign = await app.PostJson($"/self-service/login?flow={Id(flow)}", new JsonObject { ["method"] = "code", ["address"] = other }, Token(token));
        Assert.Equal(400, foreign.Code);
        Assert.Equal([4000035L], MessageIds(foreign.Json));
        Assert.Empty(await fixture.Inbox.QueuedForAsync(other));

        // A wrong code does not raise the session.
        Assert.Equal(400, (await app.PostJson($"/self-service/login?flow={Id(flow)}", new JsonObject { ["address"] = email }, Token(token))).Code);
        var code = await fixture.Inbox.NextCodeAsync(email, Template);
        var wrong = await app.PostJson($"/self-service/login?flow={Id(flow)}",
            new JsonObject { ["method"] = "code", ["code"] = ((int.Parse(code) + 1) % 1_000_000).ToString("D6") }, Token(token));
        Assert.Equal([4010008L], MessageIds(wrong.Json));
        var whoami = await app.GetJson("/sessions/whoami", Token(token));
        Assert.Equal("session_aal2_required", whoami.ErrorId);
    }

    [Fact]
    public async Task Via_names_a_trait_and_passwordless_code_login_is_off()
    {
        using var app = fixture.Native();
        var (_, token, _) = await SignInWithPassword(app);
        var unknown = await app.GetJson("/self-service/login/api?aal=aal2&via=doesnt_exist", Token(token));
        Assert.Equal(400, unknown.Code);
        Assert.Equal("No value found for trait doesnt_exist in the current identity.", unknown.Json["error"]!["reason"]!.GetValue<string>());

        // Without passwordless_enabled the code is no first factor.
        using var stranger = fixture.Native();
        var flow = await StartApiFlow(stranger, "login");
        Assert.Empty(Nodes(flow, "code"));
        var reply = await stranger.PostJson($"/self-service/login?flow={Id(flow)}", new JsonObject { ["method"] = "code", ["identifier"] = NewEmail() });
        Assert.Equal([4010002L], MessageIds(reply.Json));
        var registration = await StartApiFlow(stranger, "registration");
        Assert.Empty(Nodes(registration, "code"));
    }
}
