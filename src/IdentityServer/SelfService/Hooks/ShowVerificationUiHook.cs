using System.Text.Json.Nodes;
using IdentityServer.SelfService.Flows.Verification;

namespace IdentityServer.SelfService.Hooks;

/// <summary>
/// `show_verification_ui`: after registration, continue into the verification flow that the
/// `verification` hook started for the first unverified address. Browsers are sent to its UI; every
/// client gets the `show_verification_ui` continue_with item.
/// </summary>
public sealed class ShowVerificationUiHook(VerificationSender sender, ILogger<ShowVerificationUiHook> log) : IFlowHook
{
    public string Name => "show_verification_ui";

    public Task<HookResult> RunAsync(HookContext context, CancellationToken ct)
    {
        var started = sender.Started.FirstOrDefault();
        if (started is null)
        {
            if (context.Identity?.VerifiableAddresses.Any(a => !a.Verified) == true)
                log.LogWarning("show_verification_ui is configured, but no verification flow was started: " +
                    "enable selfservice.flows.verification to send verification messages.");
            return Task.FromResult(HookResult.Continue);
        }
        var flow = new JsonObject { ["id"] = started.Flow.Id.ToString(), ["verifiable_address"] = started.Address };
        if (started.UiUrl is not null) flow["url"] = started.UiUrl;
        context.ContinueWith.Add(new JsonObject { ["action"] = "show_verification_ui", ["flow"] = flow });
        if (started.UiUrl is not null)
            context.RedirectBrowserTo = started.UiUrl;
        return Task.FromResult(HookResult.Continue);
    }
}
