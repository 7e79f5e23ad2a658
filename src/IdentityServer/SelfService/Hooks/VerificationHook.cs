using IdentityServer.Config;
using IdentityServer.SelfService.Flows.Verification;

namespace IdentityServer.SelfService.Hooks;

/// <summary>
/// `verification`: sends verification messages to the identity's unverified addresses. Registration
/// runs it first whenever verification is enabled, without it being configured, as Kratos does; login
/// runs it when it is listed in the login hooks.
/// </summary>
public sealed class VerificationHook(IVerificationSender sender) : IFlowHook
{
    public const string HookName = "verification";

    public string Name => HookName;

    /// <summary>The configured hooks with this one in front, unless it is listed already.</summary>
    public static IReadOnlyList<HookOptions> Implicit(KratosConfig config, IReadOnlyList<HookOptions> configured) =>
        config.SelfService.Flows.Verification.Enabled && configured.All(h => h.Hook != HookName)
            ? [new HookOptions { Hook = HookName }, .. configured]
            : configured;

    public async Task<HookResult> RunAsync(HookContext context, CancellationToken ct)
    {
        if (context.Identity is { } identity)
            await sender.SendAsync(context.Http, identity, identity.VerifiableAddresses, ct);
        return HookResult.Continue;
    }
}
