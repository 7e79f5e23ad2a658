using System.Net;
using System.Text.Json.Nodes;
using static IdentityServer.Tests.Flows.FlowTestSteps;
using static IdentityServer.Tests.Flows.TwoStepRegistrationTests;

namespace IdentityServer.Tests.Flows;

public sealed class PostgresIdentifierFirstLoginTests(PostgresIdentifierFirstFlowFixture f) : IdentifierFirstLoginTests(f), IClassFixture<PostgresIdentifierFirstFlowFixture>;
public sealed class SqliteIdentifierFirstLoginTests(SqliteIdentifierFirstFlowFixture f) : IdentifierFirstLoginTests(f), IClassFixture<SqliteIdentifierFirstFlowFixture>;

/// <summary>
/// `login.style: identifier_first` without account enumeration mitigation: the identifier first, then the
/// password with the identifier kept; an unknown identifier is refused with 4000037 as Kratos does. The same
/// server keeps the legacy one-step registration form (`enable_legacy_one_step: true`).
/// </summary>
public abstract class IdentifierFirstLoginTests(FlowFixture fixture)
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    [Fact]
    public async Task Browser_signs_in_in_two_screens_by_form_posts()
    {
        var email = NewEmail();
        using (var app = fixture.Native()) await RegisterNative(app, email);
        using var browser = fixture.Browser();
        var flow = await StartBrowserFlow(browser, "login");
        var path = $"/self-service/login?flow={Id(flow)}";
        Assert.Equal("identifier_first", Node(flow, "identifier")["group"]!.GetValue<string>());
        Assert.Null(Find(flow, "password"));

        var second = await FollowToFlow(browser, await browser.PostForm(path,
            [F("csrf_token", Csrf(flow)), F("identifier", email.ToUpperInvariant()), F("method", "identifier_first")]), "login");
        Assert.Equal("identifier_first", second["active"]!.GetValue<string>());
        Assert.Equal("choose_method", second["state"]!.GetValue<string>());
        Assert.Equal("hidden", Type(second, "identifier"));
        Assert.Equal(email.ToUpperInvariant(), Value(second, "identifier"));
        Assert.Equal("password", Type(second, "password"));
        Assert.DoesNotContain(Nodes(second), n => n["attributes"]!["value"]?.ToJsonString() == "\"identifier_first\"");

        var fields = Nodes(second).Where(n => Type(n) == "hidden")
            .Select(n => F(n["attributes"]!["name"]!.GetValue<string>(), n["attributes"]!["value"]!.GetValue<string>()))
            .Append(F("password", Password)).Append(F("method", "password"));
        var done = await browser.PostForm(path, fields);
        Assert.True(done.Status == HttpStatusCode.SeeOther, done.ToString());
        Assert.Equal(FlowFixture.AppUrl + "/", done.Location);
        Assert.NotNull(browser.Cookie("ory_kratos_session"));
    }

    [Fact]
    public async Task Ajax_and_native_clients_get_the_second_screen_as_a_400_flow()
    {
        var email = NewEmail();
        using (var app = fixture.Native()) await RegisterNative(app, email);

        using var browser = fixture.Browser();
        var flow = (await browser.GetJson("/self-service/login/browser")).Json;
        var second = await browser.PostJson($"/self-service/login?flow={Id(flow)}",
            new JsonObject { ["method"] = "identifier_first", ["identifier"] = email, ["csrf_token"] = Csrf(flow) });
        Assert.True(second.Code == 400, second.ToString());
        Assert.Equal("hidden", Type(second.Json, "identifier"));
        var signedIn = await browser.PostJson($"/self-service/login?flow={Id(flow)}", LoginBody(email, csrf: Csrf(flow)));
        Assert.True(signedIn.Code == 200, signedIn.ToString());
        Assert.Null(signedIn.Json["session_token"]);

        using var native = fixture.Native();
        var apiFlow = await StartApiFlow(native, "login");
        var apiSecond = await native.PostJson($"/self-service/login?flow={Id(apiFlow)}", new JsonObject { ["method"] = "identifier_first", ["identifier"] = email });
        Assert.Equal(400, apiSecond.Code);
        Assert.Equal(email, Value(apiSecond.Json, "identifier"));
        var wrong = await native.PostJson($"/self-service/login?flow={Id(apiFlow)}", LoginBody(email, "not-the-password"));
        Assert.Equal([4000006L], MessageIds(wrong.Json));
        Assert.Equal("hidden", Type(wrong.Json, "identifier"));
        var token = await native.PostJson($"/self-service/login?flow={Id(apiFlow)}", LoginBody(email));
        Assert.True(token.Code == 200, token.ToString());
        Assert.NotNull(token.Json["session_token"]);
        Assert.Equal("password", token.Json["session"]!["authentication_methods"]![0]!["method"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_and_empty_identifiers_are_refused_on_the_first_screen()
    {
        using var native = fixture.Native();
        var flow = await StartApiFlow(native, "login");
        var path = $"/self-service/login?flow={Id(flow)}";
        var unknown = await native.PostJson(path, new JsonObject { ["method"] = "identifier_first", ["identifier"] = NewEmail() });
        Assert.Equal(400, unknown.Code);
        Assert.Equal([4000037L], NodeMessageIds(unknown.Json, "identifier"));
        Assert.Equal("text", Type(unknown.Json, "identifier"));
        Assert.Null(Find(unknown.Json, "password"));
        Assert.Null(unknown.Json["active"]);

        var empty = await native.PostJson(path, new JsonObject { ["method"] = "identifier_first", ["identifier"] = "" });
        Assert.Equal([4000003L], NodeMessageIds(empty.Json, "identifier"));

        // An account without a password has nothing to offer on the second screen either.
        var email = NewEmail();
        var created = await fixture.Admin.Post("/admin/identities", new JsonObject
        {
            ["schema_id"] = "default",
            ["traits"] = new JsonObject { ["email"] = email },
            ["credentials"] = new JsonObject { ["oidc"] = new JsonObject { ["config"] = new JsonObject
            {
                ["providers"] = new JsonArray(new JsonObject { ["provider"] = "github", ["subject"] = email }),
            } } },
        });
        Assert.True(created.Code == 201, created.Body?.ToJsonString());
        var noPassword = await native.PostJson(path, new JsonObject { ["method"] = "identifier_first", ["identifier"] = "github:" + email });
        Assert.Equal([4000037L], NodeMessageIds(noPassword.Json, "identifier"));
    }

    [Fact]
    public async Task Password_method_on_the_first_screen_signs_in_as_kratos_does()
    {
        var email = NewEmail();
        using var native = fixture.Native();
        await RegisterNative(native, email);
        var flow = await StartApiFlow(native, "login");
        var reply = await native.PostJson($"/self-service/login?flow={Id(flow)}", LoginBody(email));
        Assert.True(reply.Code == 200, reply.ToString());
        Assert.NotNull(reply.Json["session_token"]);
    }

    [Fact]
    public async Task Legacy_one_step_registration_refuses_the_profile_method()
    {
        using var native = fixture.Native();
        var flow = await StartApiFlow(native, "registration");
        Assert.Equal("password", Node(flow, "method")["attributes"]!["value"]!.GetValue<string>());
        Assert.Null(Find(flow, "screen"));
        var email = NewEmail();
        var profile = await native.PostJson($"/self-service/registration?flow={Id(flow)}", ProfileBody(email));
        Assert.Equal(400, profile.Code);
        Assert.Equal([4010003L], MessageIds(profile.Json));
        var screen = await native.PostJson($"/self-service/registration?flow={Id(flow)}",
            new JsonObject { ["method"] = "password", ["screen"] = "previous", ["traits"] = new JsonObject { ["email"] = email }, ["password"] = Password });
        Assert.True(screen.Code == 200, screen.ToString());
        Assert.Equal(1, await CountIdentities(fixture.Admin, email));
    }
}

public sealed class PostgresMitigatedIdentifierFirstTests(PostgresMitigatedFlowFixture f) : MitigatedIdentifierFirstTests(f), IClassFixture<PostgresMitigatedFlowFixture>;
public sealed class SqliteMitigatedIdentifierFirstTests(SqliteMitigatedFlowFixture f) : MitigatedIdentifierFirstTests(f), IClassFixture<SqliteMitigatedFlowFixture>;

/// <summary>With `security.account_enumeration.mitigate` an unknown identifier reaches the password screen like a known one.</summary>
public abstract class MitigatedIdentifierFirstTests(FlowFixture fixture)
{
    [Fact]
    public async Task Unknown_identifier_gets_the_same_second_screen_and_then_invalid_credentials()
    {
        var known = NewEmail();
        using var native = fixture.Native();
        await RegisterNative(native, known);
        var screens = new List<JsonNode>();
        foreach (var identifier in new[] { known, NewEmail() })
        {
            var flow = await StartApiFlow(native, "login");
            var second = await native.PostJson($"/self-service/login?flow={Id(flow)}",
                new JsonObject { ["method"] = "identifier_first", ["identifier"] = identifier });
            Assert.Equal(400, second.Code);
            Assert.Empty(MessageIds(second.Json));
            Assert.Empty(NodeMessageIds(second.Json, "identifier"));
            Node(second.Json, "identifier")["attributes"]!["value"] = "";
            screens.Add(second.Json["ui"]!["nodes"]!);
            var login = await native.PostJson($"/self-service/login?flow={Id(flow)}", LoginBody(identifier, identifier == known ? Password : "whatever-it-is"));
            if (identifier == known) Assert.True(login.Code == 200, login.ToString());
            else Assert.Equal([4000006L], MessageIds(login.Json));
        }
        Assert.True(JsonNode.DeepEquals(screens[0], screens[1]), $"{screens[0]}\n{screens[1]}");
    }

    [Fact]
    public async Task Unified_registration_style_keeps_the_one_step_form()
    {
        using var native = fixture.Native();
        var flow = await StartApiFlow(native, "registration");
        Assert.Equal("password", Node(flow, "method")["attributes"]!["value"]!.GetValue<string>());
        Assert.Equal("password", Type(flow, "password"));
    }
}
