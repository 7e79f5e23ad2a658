using System.Net;
using System.Text.Json.Nodes;

namespace IdentityServer.Tests.Flows;

/// <summary>The steps a UI or app takes, shared by the flow tests.</summary>
public static class FlowTestSteps
{
    public const string Password = "a-long-and-unusual-passphrase";

    public static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";

    /// <summary>Starts a browser flow like a server-rendered UI: 303 to the UI, then fetch it with the cookies.</summary>
    public static async Task<JsonNode> StartBrowserFlow(FlowClient browser, string kind, string query = "")
    {
        var init = await browser.GetBrowser($"/self-service/{kind}/browser{query}");
        Assert.True(init.Status == HttpStatusCode.SeeOther, init.ToString());
        Assert.StartsWith($"{FlowFixture.AppUrl}/{kind}?flow=", init.Location);
        var id = init.Location!.Split("flow=")[1];
        var flow = await browser.GetJson($"/self-service/{kind}/flows?id={id}");
        Assert.True(flow.Code == 200, flow.ToString());
        return flow.Json;
    }

    public static async Task<JsonNode> StartApiFlow(FlowClient client, string kind, IDictionary<string, string>? headers = null)
    {
        var init = await client.GetJson($"/self-service/{kind}/api", headers);
        Assert.True(init.Code == 200, init.ToString());
        Assert.False(init.Response.Headers.Contains("Set-Cookie"));
        return init.Json;
    }

    public static string Csrf(JsonNode flow) =>
        flow["ui"]!["nodes"]!.AsArray().Single(n => n!["attributes"]!["name"]!.GetValue<string>() == "csrf_token")!["attributes"]!["value"]!.GetValue<string>();

    public static string Id(JsonNode flow) => flow["id"]!.GetValue<string>();

    public static JsonObject RegistrationBody(string email, string password = Password, string? csrf = null) => new()
    {
        ["method"] = "password",
        ["csrf_token"] = csrf,
        ["traits"] = new JsonObject { ["email"] = email, ["name"] = new JsonObject { ["first"] = "Ada" } },
        ["password"] = password,
    };

    public static JsonObject LoginBody(string identifier, string password = Password, string? csrf = null) => new()
    {
        ["method"] = "password",
        ["csrf_token"] = csrf,
        ["identifier"] = identifier,
        ["password"] = password,
    };

    /// <summary>Registers through a native flow and returns the reply body.</summary>
    public static async Task<JsonNode> RegisterNative(FlowClient client, string email, string password = Password)
    {
        var flow = await StartApiFlow(client, "registration");
        var reply = await client.PostJson($"/self-service/registration?flow={Id(flow)}", RegistrationBody(email, password));
        Assert.True(reply.Code == 200, reply.ToString());
        return reply.Json;
    }

    public static async Task<FlowClient.Reply> LoginNative(FlowClient client, string identifier, string password = Password)
    {
        var flow = await StartApiFlow(client, "login");
        return await client.PostJson($"/self-service/login?flow={Id(flow)}", LoginBody(identifier, password));
    }

    public static IEnumerable<long> MessageIds(JsonNode flow) =>
        (flow["ui"]!["messages"]?.AsArray() ?? []).Select(m => m!["id"]!.GetValue<long>());

    public static IEnumerable<long> NodeMessageIds(JsonNode flow, string name) =>
        flow["ui"]!["nodes"]!.AsArray().Where(n => n!["attributes"]!["name"]?.GetValue<string>() == name)
            .SelectMany(n => n!["messages"]!.AsArray()).Select(m => m!["id"]!.GetValue<long>());

    public static async Task<int> CountIdentities(Infrastructure.Api admin, string email) =>
        (await admin.Get("/admin/identities?credentials_identifier=" + Uri.EscapeDataString(email))).Json.AsArray().Count;
}
