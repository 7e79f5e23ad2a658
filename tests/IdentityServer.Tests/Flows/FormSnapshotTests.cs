using System.Text.Json;
using System.Text.Json.Nodes;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

/// <summary>
/// The full node lists of the login, registration and settings forms, compared with files kept in TestData/Flows:
/// a change to a form shows up as a diff in review. The CSRF token is random and blanked first.
/// </summary>
public sealed class FormSnapshotTests(SqliteFlowFixture fixture) : IClassFixture<SqliteFlowFixture>
{
    [Theory]
    [InlineData("login", "browser")]
    [InlineData("registration", "browser")]
    [InlineData("login", "api")]
    [InlineData("registration", "api")]
    public async Task Form_nodes_match_the_snapshot(string kind, string type)
    {
        using var client = type == "api" ? fixture.Native() : fixture.Browser();
        var flow = type == "api" ? await StartApiFlow(client, kind) : await StartBrowserFlow(client, kind);
        var nodes = flow["ui"]!["nodes"]!.AsArray();
        var csrf = nodes.Single(n => n!["attributes"]!["name"]!.GetValue<string>() == "csrf_token")!["attributes"]!;
        if (type == "browser") Assert.Equal(88, csrf["value"]!.GetValue<string>().Length);
        else Assert.Equal("", csrf["value"]!.GetValue<string>());
        csrf["value"] = "";

        var actual = nodes.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "Flows", $"{kind}-nodes.json");
        Assert.True(File.Exists(path), $"Snapshot {path} is missing; the form is:\n{actual}");
        var expected = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.True(JsonNode.DeepEquals(expected, nodes), $"The {kind} form changed; it is now:\n{actual}");
        Assert.Equal("POST", flow["ui"]!["method"]!.GetValue<string>());
    }

    /// <summary>The settings form of a signed-in identity; its random email is blanked like the CSRF token.</summary>
    [Theory]
    [InlineData("browser")]
    [InlineData("api")]
    public async Task Settings_form_nodes_match_the_snapshot(string type)
    {
        using var client = type == "api" ? fixture.Native() : fixture.Browser();
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
