using IdentityServer.SelfService.Flows;
using IdentityServer.Sessions;

namespace IdentityServer.SelfService.Hooks;

/// <summary>`session`: signs the new identity in after registration.</summary>
public sealed class SessionHook(ISessionService sessions) : IFlowHook
{
    public string Name => "session";

    public async Task<HookResult> RunAsync(HookContext context, CancellationToken ct)
    {
        if (context.Identity is null || context.Session is not null) return HookResult.Continue;
        context.Session = await sessions.IssueAsync(context.Identity, context.AuthenticationMethods, context.Http, ct);
        if (context.Flow.Type == FlowTypes.Browser)
            sessions.SetCookie(context.Http, context.Session);
        return HookResult.Continue;
    }
}
