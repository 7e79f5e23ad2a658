using System.Net;
using System.Text.Json.Nodes;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

public sealed class PostgresCodeRegistrationTests(PostgresPasswordlessCodeFixture f) : CodeRegistrationTests(f), IClassFixture<PostgresPasswordlessCodeFixture>;
public sealed class SqliteCodeRegistrationTests(SqlitePasswordlessCodeFixture f) : CodeRegistrationTests(f), IClassFixture<SqlitePasswordlessCodeFixture>;

/// <summary>Registration by one-time code: traits first, then the code that went to the address.</summary>
public abstract class CodeRegistrationTests(CodeMethodFixture fixture)
{
    private const string Template = "registration_code_valid";

    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    private static JsonObject Body(string email, string? code = null, string? csrf = null, string? first = "Ada", string? resend = null)
    {
        var traits = new JsonObject { ["email"] = email };
        if (first is not null) traits["name"] = new JsonObject { ["first"] = first };
        var body = new JsonObject { ["method"] = "code", ["traits"] = traits };
        if (code is not null) body["code"] = code;
        if (csrf is not null) body["csrf_token"] = csrf;
        if (resend is not null) body["resend"] = resend;
        return body;
    }

    private static string State(JsonNode flow) => flow["state"]!.GetValue<string>();

    private static JsonNode Node(JsonNode flow, string name) =>
        flow["ui"]!["nodes"]!.AsArray().First(n => n!["attributes"]!["name"]!.GetValue<string>() == name)!;

    [Fact]
    public async Task Native_registration_by_code_creates_a_verified_identity_with_a_code_credential()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "registration");
        var email = NewEmail();
        var sent = await app.PostJson($"/self-service/registration?flow={Id(flow)}", Body(email));
        Assert.True(sent.Code == 400, sent.ToString());
        Assert.Equal("sent_email", State(sent.Json));
        Assert.Equal("code", sent.Json["active"]!.GetValue<string>());
        Assert.Equal([1040005L], MessageIds(sent.Json));
        Assert.Equal("hidden", Node(sent.Json, "traits.email")["attributes"]!["type"]!.GetValue<string>());
        Assert.Equal(email, Node(sent.Json, "traits.email")["attributes"]!["value"]!.GetValue<string>());
        Assert.Equal(0, await CountIdentities(fixture.Admin, email));

        var code = await fixture.Inbox.NextCodeAsync(email, Template);
        var (template, _, data) = Assert.Single(await fixture.Inbox.QueuedForAsync(email));
        Assert.Equal(Template, template);
        Assert.Equal(code, data["RegistrationCode"]!.GetValue<string>());
        Assert.Equal("Ada", data["Traits"]!["name"]!["first"]!.GetValue<string>());

        var done = await app.PostJson($"/self-service/registration?flow={Id(flow)}", Body(email, code));
        Assert.True(done.Code == 200, done.ToString());
        Assert.NotNull(done.Json["session_token"]);
        Assert.Equal("code", done.Json["session"]!["authentication_methods"]![0]!["method"]!.GetValue<string>());
        var id = done.Json["identity"]!["id"]!.GetValue<string>();

        var identity = (await fixture.Admin.Get($"/admin/identities/{id}")).Json;
        var address = identity["verifiable_addresses"]![0]!;
        Assert.True(address["verified"]!.GetValue<bool>());
        Assert.Equal("completed", address["status"]!.GetValue<string>());
        var credential = identity["credentials"]!["code"]!;
        Assert.Equal(email, credential["identifiers"]![0]!.GetValue<string>());
        // The schema makes the email a password identifier too, but no password was set.
        var withConfig = (await fixture.Admin.Get($"/admin/identities/{id}?include_credential=code")).Json;
        Assert.Equal(email, withConfig["credentials"]!["code"]!["config"]!["addresses"]![0]!["address"]!.GetValue<string>());
    }

    [Fact]
    public async Task Browser_registration_by_code_with_form_posts()
    {
        using var browser = fixture.Browser();
        var flow = await StartBrowserFlow(browser, "registration");
        var email = NewEmail();
        // Two-step registration, Kratos's default: the profile screen first, then the code method.
        var profile = await browser.PostForm($"/self-service/registration?flow={Id(flow)}",
            [F("csrf_token", Csrf(flow)), F("traits.email", email), F("traits.newsletter", "true"), F("method", "profile")]);
        Assert.True(profile.Status == HttpStatusCode.SeeOther, profile.ToString());
        var credentials = (await browser.GetJson($"/self-service/registration/flows?id={Id(flow)}")).Json;
        Assert.Equal("Send sign up code", Node(credentials, "method")["meta"]!["label"]!["text"]!.GetValue<string>());
        Assert.Equal("hidden", Node(credentials, "traits.email")["attributes"]!["type"]!.GetValue<string>());
        var sent = await browser.PostForm($"/self-service/registration?flow={Id(flow)}",
            [F("csrf_token", Csrf(flow)), F("traits.email", email), F("traits.newsletter", "true"), F("method", "code")]);
        Assert.True(sent.Status == HttpStatusCode.SeeOther, sent.ToString());
        Assert.Equal($"{FlowFixture.AppUrl}/registration?flow={Id(flow)}", sent.Location);

        var shown = (await browser.GetJson($"/self-service/registration/flows?id={Id(flow)}")).Json;
        Assert.Equal("sent_email", State(shown));
        Assert.True(Node(shown, "traits.newsletter")["attributes"]!["value"]!.GetValue<bool>());

        // The form posts back what it holds: the hidden traits as text, the code and method.
        var code = await fixture.Inbox.NextCodeAsync(email, Template);
        var done = await browser.PostForm($"/self-service/registration?flow={Id(flow)}",
            [F("csrf_token", Csrf(shown)), F("traits.email", email), F("traits.newsletter", "true"), F("method", "code"), F("code", code)]);
        Assert.True(done.Status == HttpStatusCode.SeeOther, done.ToString());
        Assert.Equal(FlowFixture.AppUrl + "/", done.Location);
        Assert.NotNull(browser.Cookie("ory_kratos_session"));
        var whoami = await browser.GetJson("/sessions/whoami");
        Assert.Equal(email, whoami.Json["identity"]!["traits"]!["email"]!.GetValue<string>());
        Assert.True(whoami.Json["identity"]!["traits"]!["newsletter"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Changed_traits_wrong_code_and_missing_fields_are_refused()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "registration");
        var path = $"/self-service/registration?flow={Id(flow)}";
        var email = NewEmail();

        var noTraits = await app.PostJson(path, new JsonObject { ["method"] = "code" });
        Assert.Equal([4000002L], MessageIds(noTraits.Json));
        var invalid = await app.PostJson(path, Body("not-an-email"));
        Assert.Equal(400, invalid.Code);
        Assert.Equal("choose_method", State(invalid.Json));
        Assert.Equal([4000040L], NodeMessageIds(invalid.Json, "traits.email"));

        Assert.Equal(400, (await app.PostJson(path, Body(email))).Code);
        var code = await fixture.Inbox.NextCodeAsync(email, Template);

        var changed = await app.PostJson(path, Body(email, code, first: "Eve"));
        Assert.Equal([4000036L], MessageIds(changed.Json));
        var otherEmail = await app.PostJson(path, Body(NewEmail(), code));
        Assert.Equal([4000036L], MessageIds(otherEmail.Json));
        var noCode = await app.PostJson(path, Body(email));
        Assert.Equal([4000002L], NodeMessageIds(noCode.Json, "code"));
        var wrong = await app.PostJson(path, Body(email, ((int.Parse(code) + 1) % 1_000_000).ToString("D6")));
        Assert.Equal([4040003L], MessageIds(wrong.Json));
        Assert.Equal(0, await CountIdentities(fixture.Admin, email));

        // The traits held by the flow are used when a client sends only the code.
        var done = await app.PostJson(path, new JsonObject { ["method"] = "code", ["code"] = code });
        Assert.True(done.Code == 200, done.ToString());
        Assert.Equal("Ada", done.Json["identity"]!["traits"]!["name"]!["first"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_address_that_has_an_account_is_refused_after_the_code()
    {
        var email = NewEmail();
        Assert.Equal(201, (await fixture.Admin.Post("/admin/identities",
            new JsonObject { ["schema_id"] = "default", ["traits"] = new JsonObject { ["email"] = email } })).Code);
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "registration");
        var path = $"/self-service/registration?flow={Id(flow)}";
        Assert.Equal(400, (await app.PostJson(path, Body(email.ToUpperInvariant()))).Code);
        var code = await fixture.Inbox.NextCodeAsync(email, Template);
        var done = await app.PostJson(path, Body(email.ToUpperInvariant(), code));
        Assert.Equal(400, done.Code);
        Assert.Equal([4000007L], MessageIds(done.Json));
        Assert.Equal(1, await CountIdentities(fixture.Admin, email));
    }

    [Fact]
    public async Task Resend_sends_a_new_code_and_the_old_one_stops_working()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "registration");
        var path = $"/self-service/registration?flow={Id(flow)}";
        var email = NewEmail();
        Assert.Equal(400, (await app.PostJson(path, Body(email))).Code);
        var first = await fixture.Inbox.NextCodeAsync(email, Template);
        string second;
        do
        {
            var resent = await app.PostJson(path, Body(email, resend: "code"));
            Assert.Equal([1040005L], MessageIds(resent.Json));
            second = await fixture.Inbox.NextCodeAsync(email, Template);
        } while (second == first);
        Assert.Equal([4040003L], MessageIds((await app.PostJson(path, Body(email, first))).Json));
        var done = await app.PostJson(path, Body(email, second));
        Assert.True(done.Code == 200, done.ToString());

        // A finished flow does not register twice.
        var again = await app.PostJson(path, Body(email, second));
        Assert.Equal(400, again.Code);
        Assert.Equal(1, await CountIdentities(fixture.Admin, email));
    }

    [Fact]
    public async Task Back_from_code_entry_leads_to_the_credential_screen_and_a_new_code()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "registration");
        var path = $"/self-service/registration?flow={Id(flow)}";
        var email = NewEmail();
        var sent = await app.PostJson(path, Body(email));
        Assert.Equal("credential-selection", Node(sent.Json, "screen")["attributes"]!["value"]!.GetValue<string>());
        var first = await fixture.Inbox.NextCodeAsync(email, Template);

        var back = await app.PostJson(path, new JsonObject { ["screen"] = "credential-selection", ["traits"] = Body(email)["traits"]!.DeepClone() });
        Assert.Equal(400, back.Code);
        Assert.Equal("choose_method", State(back.Json));
        var names = back.Json["ui"]!["nodes"]!.AsArray().Select(n => n!["attributes"]!["name"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain("code", names);
        Assert.DoesNotContain("resend", names);
        Assert.Equal("code", Node(back.Json, "method")["attributes"]!["value"]!.GetValue<string>());

        // Sent again from the credential screen, with the traits the flow holds: only the new code counts.
        string second;
        do
        {
            Assert.Equal([1040005L], MessageIds((await app.PostJson(path, new JsonObject { ["method"] = "code" })).Json));
            second = await fixture.Inbox.NextCodeAsync(email, Template);
        } while (second == first);
        Assert.Equal([4040003L], MessageIds((await app.PostJson(path, Body(email, first))).Json));
        Assert.Equal(200, (await app.PostJson(path, Body(email, second))).Code);
    }

    [Fact]
    public async Task Csrf_is_required_for_browser_registration()
    {
        using var browser = fixture.Browser();
        var flow = (await browser.GetJson("/self-service/registration/browser")).Json;
        var email = NewEmail();
        var forged = await browser.PostJson($"/self-service/registration?flow={Id(flow)}", Body(email));
        Assert.Equal(403, forged.Code);
        Assert.Equal("security_csrf_violation", forged.ErrorId);
        Assert.Empty(await fixture.Inbox.QueuedForAsync(email));
    }
}
