using System.Text.Json;
using System.Text.Json.Nodes;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

/// <summary>
/// The full node lists of every login, registration and settings form state, compared with files kept in
/// TestData/Flows: a change to a form shows up as a diff in review. The CSRF token is random and blanked first.
/// The login and registration forms come from three configurations: the defaults (unified login, two-step
/// registration), identifier-first login with the legacy one-step registration, and identifier-first login
/// with account enumeration mitigation.
/// </summary>
public sealed class FormSnapshotTests(SqliteFlowFixture defaults, SqliteIdentifierFirstFlowFixture identifierFirst,
    SqliteMitigatedFlowFixture mitigated)
    : IClassFixture<SqliteFlowFixture>, IClassFixture<SqliteIdentifierFirstFlowFixture>, IClassFixture<SqliteMitigatedFlowFixture>
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    [Theory]
    [InlineData("login", "browser")]
    [InlineData("login", "api")]
    [InlineData("login-refresh", "browser")]
    [InlineData("login-refresh", "api")]
    [InlineData("login-identifier-first", "browser")]
    [InlineData("login-identifier-first", "api")]
    [InlineData("login-identifier-first-password", "browser")]
    [InlineData("login-identifier-first-password", "api")]
    // With account enumeration mitigation an unknown identifier gets exactly the form a known one gets.
    [InlineData("login-identifier-first-password-unknown", "browser")]
    [InlineData("login-identifier-first-password-unknown", "api")]
    [InlineData("registration", "browser")]
    [InlineData("registration", "api")]
    [InlineData("registration-profile", "browser")]
    [InlineData("registration-profile", "api")]
    [InlineData("registration-credentials", "browser")]
    [InlineData("registration-credentials", "api")]
    public async Task Form_nodes_match_the_snapshot(string form, string type)
    {
        var browser = type == "browser";
        var flow = await FormAsync(form, browser);
        var nodes = flow["ui"]!["nodes"]!.AsArray();
        var csrf = nodes.Single(n => n!["attributes"]!["name"]!.GetValue<string>() == "csrf_token")!["attributes"]!;
        if (browser) Assert.Equal(88, csrf["value"]!.GetValue<string>().Length);
        else Assert.Equal("", csrf["value"]!.GetValue<string>());
        csrf["value"] = "";

        var actual = nodes.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var file = form.Replace("-unknown", "");
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "Flows", $"{file}-nodes.json");
        Assert.True(File.Exists(path), $"Snapshot {path} is missing; the form is:\n{actual}");
        var expected = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.True(JsonNode.DeepEquals(expected, nodes), $"The {form} form changed; it is now:\n{actual}");
        Assert.Equal("POST", flow["ui"]!["method"]!.GetValue<string>());
    }

    /// <summary>Brings a flow to the named form state, as a browser (cookies, form posts) or as a native app.</summary>
    private async Task<JsonNode> FormAsync(string form, bool browser)
    {
        switch (form)
        {
            case "login":
                return await StartAsync(defaults, "login", browser);
            case "registration-profile":
                return await StartAsync(defaults, "registration", browser);
            case "registration":
                return await StartAsync(identifierFirst, "registration", browser);
            case "login-identifier-first":
                return await StartAsync(identifierFirst, "login", browser);
            case "registration-credentials":
            {
                using var client = browser ? defaults.Browser() : defaults.Native();
                var flow = await Start(client, "registration", browser);
                var reply = await client.PostJson($"/self-service/registration?flow={Id(flow)}", new JsonObject
                {
                    ["method"] = "profile",
                    ["csrf_token"] = browser ? Csrf(flow) : null,
                    ["traits"] = new JsonObject { ["email"] = "snapshot@example.com", ["name"] = new JsonObject { ["first"] = "Ada" } },
                });
                Assert.True(reply.Code == 400, reply.ToString());
                return reply.Json;
            }
            case "login-identifier-first-password" or "login-identifier-first-password-unknown":
            {
                var email = NewEmail();
                var fixture = form.EndsWith("-unknown") ? (FlowFixture)mitigated : identifierFirst;
                if (fixture == identifierFirst)
                    using (var app = identifierFirst.Native()) await RegisterNative(app, email);
                using var client = browser ? fixture.Browser() : fixture.Native();
                var flow = await Start(client, "login", browser);
                var reply = await client.PostJson($"/self-service/login?flow={Id(flow)}", new JsonObject
                {
                    ["method"] = "identifier_first",
                    ["csrf_token"] = browser ? Csrf(flow) : null,
                    ["identifier"] = email,
                });
                Assert.True(reply.Code == 400, reply.ToString());
                // The identifier differs per run; the snapshot keeps a fixed one.
                Assert.Equal(email, Node(reply.Json, "identifier")["attributes"]!["value"]!.GetValue<string>());
                Node(reply.Json, "identifier")["attributes"]!["value"] = "snapshot@example.com";
                return reply.Json;
            }
            case "login-refresh":
            {
                var email = NewEmail();
                JsonNode flow;
                if (browser)
                {
                    using var client = defaults.Browser();
                    var registration = await StartBrowserFlow(client, "registration");
                    var registered = await client.PostForm($"/self-service/registration?flow={Id(registration)}",
                        [F("csrf_token", Csrf(registration)), F("traits.email", email), F("password", Password), F("method", "password")]);
                    Assert.True(registered.Code == 303, registered.ToString());
                    flow = await StartBrowserFlow(client, "login", "?refresh=true");
                }
                else
                {
                    using var app = defaults.Native();
                    var token = (await RegisterNative(app, email))["session_token"]!.GetValue<string>();
                    var reply = await app.GetJson("/self-service/login/api?refresh=true", new Dictionary<string, string> { ["X-Session-Token"] = token });
                    Assert.True(reply.Code == 200, reply.ToString());
                    flow = reply.Json;
                }
                Assert.True(flow["refresh"]!.GetValue<bool>());
                Assert.Equal(email, Node(flow, "identifier")["attributes"]!["value"]!.GetValue<string>());
                Node(flow, "identifier")["attributes"]!["value"] = "snapshot@example.com";
                return flow;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(form), form, null);
        }
    }

    private static async Task<JsonNode> StartAsync(FlowFixture fixture, string kind, bool browser)
    {
        using var client = browser ? fixture.Browser() : fixture.Native();
        return await Start(client, kind, browser);
    }

    private static Task<JsonNode> Start(FlowClient client, string kind, bool browser) =>
        browser ? StartBrowserFlow(client, kind) : StartApiFlow(client, kind);

    private static JsonNode Node(JsonNode flow, string name) =>
        flow["ui"]!["nodes"]!.AsArray().Single(n => n!["attributes"]!["name"]?.GetValue<string>() == name)!;

    /// <summary>The settings form of a signed-in identity; its random email is blanked like the CSRF token.</summary>
    [Theory]
    [InlineData("browser")]
    [InlineData("api")]
    public async Task Settings_form_nodes_match_the_snapshot(string type)
    {
        using var client = type == "api" ? defaults.Native() : defaults.Browser();
        JsonNode flow;
        if (type == "api")
        {
            var token = (await RegisterNative(client, NewEmail()))["session_token"]!.GetValue<string>();
            var init = await client.GetJson("/self-service/settings/api", new Dictionary<string, string> { ["X-Session-Token"] = token });
            Assert.Equal(200, init.Code);
            flow = init.Json;
        }
        else
        {
            var registration = await StartBrowserFlow(client, "registration");
            var registered = await client.PostJson($"/self-service/registration?flow={Id(registration)}", RegistrationBody(NewEmail(), csrf: Csrf(registration)));
            Assert.Equal(200, registered.Code);
            flow = await StartBrowserFlow(client, "settings");
        }
        var nodes = flow["ui"]!["nodes"]!.AsArray();
        var csrf = nodes.Single(n => n!["attributes"]!["name"]!.GetValue<string>() == "csrf_token")!["attributes"]!;
        Assert.Equal(type == "browser" ? 88 : 0, csrf["value"]!.GetValue<string>().Length);
        csrf["value"] = "";
        var email = nodes.Single(n => n!["attributes"]!["name"]!.GetValue<string>() == "traits.email")!["attributes"]!;
        Assert.EndsWith("@example.com", email["value"]!.GetValue<string>());
        email["value"] = "";

        var actual = nodes.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "Flows", "settings-nodes.json");
        Assert.True(File.Exists(path), $"Snapshot {path} is missing; the form is:\n{actual}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(path))!, nodes), $"The settings form changed; it is now:\n{actual}");
        Assert.Equal("show_form", flow["state"]!.GetValue<string>());
    }
}
