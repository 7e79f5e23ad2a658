using System.Text.Json.Nodes;
using IdentityServer.SelfService.Flows;

namespace IdentityServer.SelfService.Hooks;

/// <summary>
/// `show_verification_ui`: after registration in a browser, continue into verification of the first
/// unverified address. The verification flow itself is not built yet; this adds the continue_with item
/// and sends browsers to the verification UI.
/// </summary>
public sealed class ShowVerificationUiHook : IFlowHook
{
    public string Name => "show_verification_ui";

    public Task<HookResult> RunAsync(HookContext context, CancellationToken ct)
    {
        var address = context.Identity?.VerifiableAddresses.FirstOrDefault(a => !a.Verified);
        if (address is null || context.Flow.Type != FlowTypes.Browser) return Task.FromResult(HookResult.Continue);
        var flowId = Guid.NewGuid();
        var url = PublicUrls.WithQuery(context.Config.SelfService.Flows.Verification.UiUrl, "flow", flowId.ToString());
        context.ContinueWith.Add(new JsonObject
        {
            ["action"] = "show_verification_ui",
            ["flow"] = new JsonObject { ["id"] = flowId.ToString(), ["verifiable_address"] = address.Value, ["url"] = url },
        });
        context.RedirectBrowserTo = url;
        return Task.FromResult(HookResult.Continue);
    }
}
