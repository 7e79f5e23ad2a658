using IdentityServer.Text;

namespace IdentityServer.SelfService.Hooks;

/// <summary>`require_verified_address`: refuses a login until one of the identity's addresses is verified.</summary>
public sealed class RequireVerifiedAddressHook : IFlowHook
{
    public string Name => "require_verified_address";

    public Task<HookResult> RunAsync(HookContext context, CancellationToken ct)
    {
        var identity = context.Identity;
        if (identity is null || identity.VerifiableAddresses.Count == 0 || identity.VerifiableAddresses.Any(a => a.Verified))
            return Task.FromResult(HookResult.Continue);
        return Task.FromResult(HookResult.Interrupt(Messages.AddressNotVerified()));
    }
}
