using System.Text.Json;
using System.Text.Json.Nodes;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

public sealed class CodeFormSnapshotTests(SqliteCodeFlowFixture f) : AddressFormSnapshotTests(f), IClassFixture<SqliteCodeFlowFixture>;
public sealed class LinkFormSnapshotTests(SqliteLinkFlowFixture f) : AddressFormSnapshotTests(f), IClassFixture<SqliteLinkFlowFixture>;

/// <summary>
/// The verification and recovery forms of each method, before and after an address was submitted,
/// compared with files kept in TestData/Flows (`{kind}-{method}[-sent]-nodes.json`). The CSRF token
/// is random and blanked first.
/// </summary>
public abstract class AddressFormSnapshotTests(AddressFlowFixture fixture)
{
    [Theory]
    [InlineData("verification")]
    [InlineData("recovery")]
    public async Task Forms_match_the_snapshots(string kind)
    {
        using var browser = fixture.Browser();
        var flow = await AddressFlowFixture.StartBrowserFlow(browser, kind);
        Assert.Equal(fixture.Use, flow["active"]!.GetValue<string>());
        var token = Csrf(flow);
        AssertSnapshot(flow, $"{kind}-{fixture.Use}-nodes.json");

        var sent = await browser.PostJson($"/self-service/{kind}?flow={Id(flow)}", new JsonObject
        {
            ["method"] = fixture.Use, ["email"] = "someone@example.com", ["csrf_token"] = token,
        });
        Assert.True(sent.Code == 200, sent.ToString());
        AssertSnapshot(sent.Json, $"{kind}-{fixture.Use}-sent-nodes.json");
    }

    private static void AssertSnapshot(JsonNode flow, string file)
    {
        var nodes = flow["ui"]!["nodes"]!.AsArray();
        var csrf = nodes.Single(n => n!["attributes"]!["name"]?.GetValue<string>() == "csrf_token")!["attributes"]!;
        Assert.Equal(88, csrf["value"]!.GetValue<string>().Length);
        csrf["value"] = "";
        var actual = nodes.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "Flows", file);
        Assert.True(File.Exists(path), $"Snapshot {path} is missing; the form is:\n{actual}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(path)), nodes), $"The form {file} changed; it is now:\n{actual}");
        Assert.Equal("POST", flow["ui"]!["method"]!.GetValue<string>());
    }
}
