using System.Text.Json;
using System.Text.Json.Nodes;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

/// <summary>
/// The forms with code nodes, compared with files in TestData/Flows: the first step and the code
/// entry step of passwordless login and registration. Random values (CSRF token, the address) are
/// replaced before comparing.
/// </summary>
public sealed class CodeLoginFormSnapshotTests(SqlitePasswordlessCodeFixture fixture) : IClassFixture<SqlitePasswordlessCodeFixture>
{
    [Theory]
    [InlineData("browser")]
    [InlineData("api")]
    public async Task Passwordless_login_forms_match_the_snapshots(string type)
    {
        var email = NewEmail();
        Assert.Equal(201, (await fixture.Admin.Post("/admin/identities",
            new JsonObject { ["schema_id"] = "default", ["traits"] = new JsonObject { ["email"] = email } })).Code);
        using var client = type == "api" ? fixture.Native() : fixture.Browser();
        var flow = type == "api" ? await StartApiFlow(client, "login") : (await client.GetJson("/self-service/login/browser")).Json;
        CodeLoginSnapshots.Match(flow, type, "code-login-nodes", email);

        var sent = await client.PostJson($"/self-service/login?flow={Id(flow)}",
            new JsonObject { ["method"] = "code", ["identifier"] = email, ["csrf_token"] = Csrf(flow) });
        CodeLoginSnapshots.Match(sent.Json, type, "code-login-sent-nodes", email);
    }

    [Theory]
    [InlineData("browser")]
    [InlineData("api")]
    public async Task Passwordless_registration_forms_match_the_snapshots(string type)
    {
        var email = NewEmail();
        using var client = type == "api" ? fixture.Native() : fixture.Browser();
        var flow = type == "api" ? await StartApiFlow(client, "registration") : (await client.GetJson("/self-service/registration/browser")).Json;
        var traits = new JsonObject { ["email"] = email, ["name"] = new JsonObject { ["first"] = "Ada" }, ["newsletter"] = false };
        // The credential screen of two-step registration, after the profile screen.
        var credentials = await client.PostJson($"/self-service/registration?flow={Id(flow)}",
            new JsonObject { ["method"] = "profile", ["csrf_token"] = Csrf(flow), ["traits"] = traits.DeepClone() });
        CodeLoginSnapshots.Match(credentials.Json, type, "code-registration-nodes", email);

        var sent = await client.PostJson($"/self-service/registration?flow={Id(flow)}",
            new JsonObject { ["method"] = "code", ["csrf_token"] = Csrf(flow), ["traits"] = traits.DeepClone() });
        CodeLoginSnapshots.Match(sent.Json, type, "code-registration-sent-nodes", email);
    }
}

public sealed class CodeMfaFormSnapshotTests(SqliteMfaCodeFixture fixture) : IClassFixture<SqliteMfaCodeFixture>
{
    [Fact]
    public async Task Second_factor_forms_match_the_snapshots()
    {
        var email = NewEmail();
        using var app = fixture.Native();
        var registration = await StartApiFlow(app, "registration");
        var registered = await app.PostJson($"/self-service/registration?flow={Id(registration)}", RegistrationBody(email));
        var headers = new Dictionary<string, string> { ["X-Session-Token"] = registered.Json["session_token"]!.GetValue<string>() };
        var flow = (await app.GetJson("/self-service/login/api?aal=aal2", headers)).Json;
        CodeLoginSnapshots.Match(flow, "api", "code-login-aal2-nodes", email);

        var sent = await app.PostJson($"/self-service/login?flow={Id(flow)}", new JsonObject { ["address"] = email }, headers);
        CodeLoginSnapshots.Match(sent.Json, "api", "code-login-aal2-sent-nodes", email);
    }
}

internal static class CodeLoginSnapshots
{
    /// <summary>Compares the flow's nodes with TestData/Flows/{name}.json; the CSRF token and the address are blanked.</summary>
    public static void Match(JsonNode flow, string type, string name, string email)
    {
        var nodes = JsonNode.Parse(flow["ui"]!["nodes"]!.ToJsonString().Replace(email, "user@example.com"))!.AsArray();
        // Browser and native forms differ only in the CSRF token: it is checked, then left out.
        var csrf = nodes.SingleOrDefault(n => n!["attributes"]!["name"]!.GetValue<string>() == "csrf_token");
        if (type == "browser")
            Assert.Equal(88, csrf!["attributes"]!["value"]!.GetValue<string>().Length);
        else if (csrf is not null)
            Assert.Equal("", csrf["attributes"]!["value"]!.GetValue<string>());
        if (csrf is not null) nodes.Remove(csrf);

        var actual = nodes.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "Flows", $"{name}.json");
        Assert.True(File.Exists(path), $"Snapshot {path} is missing; the form is:\n{actual}");
        var expected = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.True(JsonNode.DeepEquals(expected, nodes), $"The form {name} changed; it is now:\n{actual}");
    }
}
