using IdentityServer.Config;
using IdentityServer.Persistence;
using IdentityServer.SelfService.Flows.Verification;

namespace IdentityServer.SelfService.Hooks;

/// <summary>
/// `verification`: sends verification messages to the identity's unverified addresses. Registration
/// runs it whenever verification is enabled, without it being configured, as Kratos does; login runs
/// it when it is listed in the login hooks.
/// </summary>
public sealed class VerificationHook(VerificationSender sender, AppDbContext db) : IFlowHook
{
    public const string HookName = "verification";

    public string Name => HookName;

    /// <summary>
    /// The configured hooks with this one added, unless it is listed already. It goes after the web
    /// hooks, which may still refuse the registration (Kratos runs those before the identity is stored),
    /// and before `show_verification_ui`, which continues into the flow it starts.
    /// </summary>
    public static IReadOnlyList<HookOptions> Implicit(KratosConfig config, IReadOnlyList<HookOptions> configured)
    {
        if (!config.SelfService.Flows.Verification.Enabled || configured.Any(h => h.Hook == HookName))
            return configured;
        var list = configured.ToList();
        var position = list.FindLastIndex(h => h.Hook == "web_hook") + 1;
        var show = list.FindIndex(h => h.Hook == "show_verification_ui");
        if (show >= 0 && show < position) position = show;
        list.Insert(position, new HookOptions { Hook = HookName });
        return list;
    }

    public async Task<HookResult> RunAsync(HookContext context, CancellationToken ct)
    {
        if (context.Identity is { } identity)
        {
            // The identity is stored already; its verification flows and messages are written now.
            await sender.SendAsync(context.Http, identity, identity.VerifiableAddresses, ct);
            await db.SaveChangesAsync(ct);
        }
        return HookResult.Continue;
    }
}
