using IdentityServer.Sessions;

namespace IdentityServer.SelfService.Hooks;

/// <summary>`revoke_active_sessions`: a login or a settings change ends every other session of the identity.</summary>
public sealed class RevokeActiveSessionsHook(ISessionService sessions) : IFlowHook
{
    public string Name => "revoke_active_sessions";

    public async Task<HookResult> RunAsync(HookContext context, CancellationToken ct)
    {
        if (context.Identity is not null)
            await sessions.RevokeOthersAsync(context.Identity.Id, context.Session?.SessionId ?? context.ExistingSessionId, ct);
        return HookResult.Continue;
    }
}
