using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Sessions;

namespace IdentityServer.SelfService.Flows;

/// <summary>Shared steps of finishing a flow: the continue_with list and where a browser goes next.</summary>
public static class FlowCompletion
{
    public static string BrowserTarget(KratosConfig config, FlowRecord flow, AfterOptions after, string method, string? hookTarget) =>
        hookTarget ?? flow.ReturnTo ?? after.ReturnUrlFor(method) ?? config.SelfService.DefaultBrowserReturnUrl ?? "/";

    public static JsonArray ContinueWith(FlowRecord flow, IssuedSession? session, IEnumerable<JsonObject> fromHooks, string browserTarget)
    {
        var items = new JsonArray();
        if (flow.Type == FlowTypes.Api && session is not null)
            items.Add(new JsonObject { ["action"] = "set_ory_session_token", ["ory_session_token"] = session.Token });
        foreach (var item in fromHooks) items.Add(item.DeepClone());
        if (flow.Type == FlowTypes.Browser && items.All(i => i?["action"]?.GetValue<string>() != "show_verification_ui"))
            items.Add(new JsonObject { ["action"] = "redirect_browser_to", ["redirect_browser_to"] = browserTarget });
        return items;
    }
}
