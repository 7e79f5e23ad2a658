using System.Net;
using System.Text.Json.Nodes;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

public sealed class PostgresTwoStepRegistrationTests(PostgresFlowFixture f) : TwoStepRegistrationTests(f), IClassFixture<PostgresFlowFixture>;
public sealed class SqliteTwoStepRegistrationTests(SqliteFlowFixture f) : TwoStepRegistrationTests(f), IClassFixture<SqliteFlowFixture>;

/// <summary>
/// Two-step registration, the default: the profile screen (`method=profile`), the credential screen with the
/// traits kept as hidden inputs and `screen=previous` to go back, then `method=password`.
/// </summary>
public abstract class TwoStepRegistrationTests(FlowFixture fixture)
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    [Fact]
    public async Task Browser_goes_through_both_screens_and_back_by_form_posts()
    {
        using var browser = fixture.Browser();
        var flow = await StartBrowserFlow(browser, "registration");
        var path = $"/self-service/registration?flow={Id(flow)}";
        Assert.Equal("profile", Node(flow, "method")["attributes"]!["value"]!.GetValue<string>());
        Assert.Null(Find(flow, "password"));

        var email = NewEmail();
        var toCredentials = await browser.PostForm(path,
            [F("csrf_token", Csrf(flow)), F("traits.email", email), F("traits.name.first", "Ada"), F("method", "profile")]);
        var credentials = await FollowToFlow(browser, toCredentials);
        Assert.Equal(Id(flow), Id(credentials));
        Assert.Equal("choose_method", credentials["state"]!.GetValue<string>());
        Assert.Null(credentials["active"]);
        Assert.Equal([1040009L], MessageIds(credentials));
        Assert.Equal("hidden", Type(credentials, "traits.email"));
        Assert.Equal(email, Value(credentials, "traits.email"));
        Assert.Equal("Ada", Value(credentials, "traits.name.first"));
        Assert.Equal("password", Type(credentials, "password"));
        Assert.Equal("previous", Node(credentials, "screen")["attributes"]!["value"]!.GetValue<string>());
        Assert.Equal(1040008, Node(credentials, "screen")["meta"]!["label"]!["id"]!.GetValue<long>());
        Assert.DoesNotContain(Nodes(credentials), n => n["attributes"]!["value"]?.ToJsonString() == "\"profile\"");
        Assert.Equal(0, await CountIdentities(fixture.Admin, email));

        // Back to the profile screen: the traits are visible inputs again, with their values.
        var back = await browser.PostForm(path,
            [F("csrf_token", Csrf(credentials)), F("traits.email", email), F("traits.name.first", "Ada"), F("screen", "previous")]);
        var profile = await FollowToFlow(browser, back);
        Assert.Equal("email", Type(profile, "traits.email"));
        Assert.Equal(email, Value(profile, "traits.email"));
        Assert.Null(Find(profile, "screen"));
        Assert.Null(Find(profile, "password"));
        Assert.Single(Nodes(profile), n => n["attributes"]!["name"]!.GetValue<string>() == "method");
        Assert.Empty(MessageIds(profile));

        var again = await FollowToFlow(browser, await browser.PostForm(path,
            [F("csrf_token", Csrf(profile)), F("traits.email", email), F("traits.name.first", "Grace"), F("method", "profile")]));
        Assert.Equal("Grace", Value(again, "traits.name.first"));
        Assert.Single(Nodes(again), n => n["attributes"]!["name"]!.GetValue<string>() == "screen");

        // The form as a browser sends it: the hidden traits, the password and the method.
        var fields = Nodes(again).Where(n => Type(n) == "hidden")
            .Select(n => F(n["attributes"]!["name"]!.GetValue<string>(), n["attributes"]!["value"]?.GetValue<string>() ?? ""))
            .Append(F("password", Password)).Append(F("method", "password"));
        var done = await browser.PostForm(path, fields);
        Assert.True(done.Status == HttpStatusCode.SeeOther, done.ToString());
        Assert.Equal(FlowFixture.AppUrl + "/", done.Location);
        Assert.NotNull(browser.Cookie("ory_kratos_session"));
        var identity = (await fixture.Admin.Get("/admin/identities?credentials_identifier=" + Uri.EscapeDataString(email))).Json.AsArray().Single()!;
        Assert.Equal("Grace", identity["traits"]!["name"]!["first"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ajax_browser_gets_each_screen_as_json_then_the_session()
    {
        using var browser = fixture.Browser();
        var flow = (await browser.GetJson("/self-service/registration/browser")).Json;
        var path = $"/self-service/registration?flow={Id(flow)}";
        var email = NewEmail();
        var credentials = await browser.PostJson(path, ProfileBody(email, Csrf(flow)));
        Assert.True(credentials.Code == 400, credentials.ToString());
        Assert.Equal([1040009L], MessageIds(credentials.Json));
        Assert.Equal("hidden", Type(credentials.Json, "traits.email"));

        var body = RegistrationBody(email, csrf: Csrf(credentials.Json));
        var reply = await browser.PostJson(path, body);
        Assert.True(reply.Code == 200, reply.ToString());
        Assert.NotNull(reply.Json["session"]!["id"]);
        Assert.Null(reply.Json["session_token"]);
        Assert.Equal("redirect_browser_to", reply.Json["continue_with"]![0]!["action"]!.GetValue<string>());
        Assert.Equal("passed_challenge", (await browser.GetJson($"/self-service/registration/flows?id={Id(flow)}")).Json["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Native_app_goes_through_both_screens()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "registration");
        var path = $"/self-service/registration?flow={Id(flow)}";
        var email = NewEmail();
        var credentials = await app.PostJson(path, ProfileBody(email));
        Assert.True(credentials.Code == 400, credentials.ToString());
        Assert.False(credentials.Response.Headers.Contains("Set-Cookie"));
        Assert.Equal(email, Value(credentials.Json, "traits.email"));

        var back = await app.PostJson(path, new JsonObject { ["method"] = "profile", ["screen"] = "previous", ["traits"] = new JsonObject { ["email"] = email } });
        Assert.Equal(400, back.Code);
        Assert.Equal("email", Type(back.Json, "traits.email"));

        var forward = await app.PostJson(path, new JsonObject { ["screen"] = "credential-selection", ["traits"] = new JsonObject { ["email"] = email } });
        Assert.Equal(400, forward.Code);
        Assert.Equal([1040009L], MessageIds(forward.Json));

        var done = await app.PostJson(path, RegistrationBody(email));
        Assert.True(done.Code == 200, done.ToString());
        Assert.NotNull(done.Json["session_token"]);
        Assert.Equal(1, await CountIdentities(fixture.Admin, email));
    }

    [Fact]
    public async Task Invalid_traits_keep_the_profile_screen_with_messages_and_write_nothing()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "registration");
        var path = $"/self-service/registration?flow={Id(flow)}";

        var badEmail = await app.PostJson(path, ProfileBody("not-an-email"));
        Assert.Equal(400, badEmail.Code);
        Assert.Equal([4000040L], NodeMessageIds(badEmail.Json, "traits.email"));
        Assert.Equal("not-an-email", Value(badEmail.Json, "traits.email"));
        Assert.Equal("email", Type(badEmail.Json, "traits.email"));
        Assert.Equal("profile", Node(badEmail.Json, "method")["attributes"]!["value"]!.GetValue<string>());
        Assert.Null(Find(badEmail.Json, "screen"));
        Assert.Empty(MessageIds(badEmail.Json));

        var missing = await app.PostJson(path, new JsonObject { ["method"] = "profile" });
        Assert.Equal([4000002L], NodeMessageIds(missing.Json, "traits.email"));

        var tooLong = await app.PostJson(path, new JsonObject
        {
            ["method"] = "profile",
            ["traits"] = new JsonObject { ["email"] = NewEmail(), ["name"] = new JsonObject { ["first"] = new string('a', 300) } },
        });
        Assert.Equal([4000017L], NodeMessageIds(tooLong.Json, "traits.name.first"));

        // A later valid submission clears the earlier messages.
        var email = NewEmail();
        var ok = await app.PostJson(path, ProfileBody(email));
        Assert.Equal([1040009L], MessageIds(ok.Json));
        Assert.Empty(Nodes(ok.Json).SelectMany(n => n["messages"]!.AsArray()));
        Assert.Equal(0, await CountIdentities(fixture.Admin, email));
    }

    [Fact]
    public async Task Credential_screen_errors_keep_the_credential_screen()
    {
        using var browser = fixture.Browser();
        var flow = await StartBrowserFlow(browser, "registration");
        var path = $"/self-service/registration?flow={Id(flow)}";
        var email = NewEmail();
        await FollowToFlow(browser, await browser.PostForm(path, [F("csrf_token", Csrf(flow)), F("traits.email", email), F("method", "profile")]));

        var weak = await FollowToFlow(browser, await browser.PostForm(path,
            [F("csrf_token", Csrf(flow)), F("traits.email", email), F("password", "short"), F("method", "password")]));
        Assert.Equal([4000032L], NodeMessageIds(weak, "password"));
        Assert.Equal("hidden", Type(weak, "traits.email"));
        Assert.NotNull(Find(weak, "screen"));
        Assert.Empty(MessageIds(weak));
        Assert.Equal(0, await CountIdentities(fixture.Admin, email));

        // Going back with traits that break the schema stays on the credential screen with the message.
        var badBack = await FollowToFlow(browser, await browser.PostForm(path,
            [F("csrf_token", Csrf(flow)), F("traits.email", "nope"), F("screen", "previous")]));
        Assert.Equal([4000040L], NodeMessageIds(badBack, "traits.email"));
        Assert.Equal("hidden", Type(badBack, "traits.email"));
    }

    [Fact]
    public async Task Skipping_the_profile_screen_registers_as_kratos_does()
    {
        using var app = fixture.Native();
        var email = NewEmail();
        var flow = await StartApiFlow(app, "registration");
        var path = $"/self-service/registration?flow={Id(flow)}";

        // No password on the profile screen: the message needs a field, so it gets one (as in Kratos).
        var noPassword = await app.PostJson(path, new JsonObject { ["method"] = "password", ["traits"] = new JsonObject { ["email"] = email } });
        Assert.Equal(400, noPassword.Code);
        Assert.Equal([4000002L], NodeMessageIds(noPassword.Json, "password"));
        Assert.Equal("default", Node(noPassword.Json, "password")["group"]!.GetValue<string>());

        var noTraits = await app.PostJson(path, new JsonObject { ["method"] = "password", ["password"] = Password });
        Assert.Equal([4000002L], NodeMessageIds(noTraits.Json, "traits.email"));
        Assert.Equal(0, await CountIdentities(fixture.Admin, email));

        var done = await app.PostJson(path, RegistrationBody(email));
        Assert.True(done.Code == 200, done.ToString());
        Assert.Equal(1, await CountIdentities(fixture.Admin, email));
    }

    [Fact]
    public async Task Wrong_methods_and_screens_are_refused_on_the_flow()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "registration");
        var path = $"/self-service/registration?flow={Id(flow)}";
        var email = NewEmail();

        var unknown = await app.PostJson(path, new JsonObject { ["method"] = "identifier_first", ["traits"] = new JsonObject { ["email"] = email } });
        Assert.Equal(400, unknown.Code);
        Assert.Equal([4010003L], MessageIds(unknown.Json));

        var badScreen = await app.PostJson(path, new JsonObject { ["method"] = "profile", ["screen"] = "elsewhere", ["traits"] = new JsonObject { ["email"] = email } });
        Assert.Equal(400, badScreen.Code);
        Assert.Equal([4000001L], NodeMessageIds(badScreen.Json, "screen"));
        Assert.Equal("profile", Node(badScreen.Json, "method")["attributes"]!["value"]!.GetValue<string>());

        var numericMethod = await app.PostJson(path, new JsonObject { ["method"] = 7 });
        Assert.Equal(400, numericMethod.Code);
        Assert.Equal([4000001L], MessageIds(numericMethod.Json));

        var traitsNotObject = await app.PostJson(path, new JsonObject { ["method"] = "profile", ["traits"] = "a@example.com" });
        Assert.Equal(400, traitsNotObject.Code);
        Assert.NotEmpty(NodeMessageIds(traitsNotObject.Json, "traits"));
        Assert.Equal(0, await CountIdentities(fixture.Admin, email));
    }

    [Fact]
    public async Task Malformed_bodies_come_back_on_the_flow_or_as_errors_as_in_kratos()
    {
        using var browser = fixture.Browser();
        var flow = await StartBrowserFlow(browser, "registration");
        var path = $"/self-service/registration?flow={Id(flow)}";

        // A broken form post from a browser goes back to the UI with message 4000001 on the flow.
        var tooManyFields = string.Join("&", Enumerable.Range(0, 1100).Select(i => $"f{i}=x"));
        var broken = await browser.PostRaw(path, tooManyFields, "application/x-www-form-urlencoded", json: false);
        var shown = await FollowToFlow(browser, broken);
        Assert.Equal([4000001L], MessageIds(shown));

        var malformed = await browser.PostRaw(path, "{\"method\":\"profile\",", "application/json", json: true);
        Assert.Equal(400, malformed.Code);
        Assert.Equal(Id(flow), Id(malformed.Json));
        Assert.Equal([4000001L], MessageIds(malformed.Json));

        var array = await browser.PostRaw(path, "[1,2]", "application/json", json: true);
        Assert.Equal(400, array.Code);
        Assert.Equal([4000001L], MessageIds(array.Json));

        // An unsupported media type is an error of its own, shown on the error UI to a browser.
        var text = await browser.PostRaw(path, "method=profile", "text/plain", json: false);
        Assert.Equal(HttpStatusCode.SeeOther, text.Status);
        Assert.StartsWith(FlowFixture.AppUrl + "/error?id=", text.Location);
        var error = await browser.GetJson("/self-service/errors?id=" + text.Location!.Split("id=")[1]);
        Assert.Equal(415, error.Json["error"]!["code"]!.GetValue<int>());

        // The flow itself is unharmed and still completes.
        var email = NewEmail();
        var credentials = await browser.PostJson(path, ProfileBody(email, Csrf(flow)));
        Assert.Equal([1040009L], MessageIds(credentials.Json));
    }

    internal static JsonObject ProfileBody(string email, string? csrf = null) => new()
    {
        ["method"] = "profile",
        ["csrf_token"] = csrf,
        ["traits"] = new JsonObject { ["email"] = email, ["name"] = new JsonObject { ["first"] = "Ada" } },
    };

    /// <summary>A browser form post answered with 303 to the registration UI; the flow is fetched as the UI would.</summary>
    internal static async Task<JsonNode> FollowToFlow(FlowClient browser, FlowClient.Reply reply, string kind = "registration")
    {
        Assert.True(reply.Status == HttpStatusCode.SeeOther, reply.ToString());
        Assert.StartsWith($"{FlowFixture.AppUrl}/{kind}?flow=", reply.Location);
        var fetched = await browser.GetJson($"/self-service/{kind}/flows?id={reply.Location!.Split("flow=")[1]}");
        Assert.True(fetched.Code == 200, fetched.ToString());
        return fetched.Json;
    }

    internal static IEnumerable<JsonNode> Nodes(JsonNode flow) => flow["ui"]!["nodes"]!.AsArray().Select(n => n!);

    internal static JsonNode? Find(JsonNode flow, string name) =>
        Nodes(flow).SingleOrDefault(n => n["attributes"]!["name"]?.GetValue<string>() == name);

    internal static JsonNode Node(JsonNode flow, string name) => Find(flow, name) ?? throw new InvalidOperationException($"no node {name}: {flow}");

    internal static string Type(JsonNode node) => node["attributes"]!["type"]!.GetValue<string>();

    internal static string Type(JsonNode flow, string name) => Type(Node(flow, name));

    internal static string? Value(JsonNode flow, string name) => Node(flow, name)["attributes"]!["value"]?.GetValue<string>();
}
