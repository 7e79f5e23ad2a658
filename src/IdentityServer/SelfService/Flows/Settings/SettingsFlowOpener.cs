using IdentityServer.Identities;
using IdentityServer.Sessions;

namespace IdentityServer.SelfService.Flows.Settings;

/// <summary>
/// Signs the identity in with the given method (a fresh session is privileged, so the password can be
/// changed right away) and opens a settings flow of the same type for it.
/// </summary>
public sealed class SettingsFlowOpener(SettingsFlows flows, ISessionService sessions, FlowResponder responder, TimeProvider clock)
    : ISettingsFlowOpener
{
    public async Task<OpenedSettingsFlow> OpenAsync(HttpContext http, Identity identity, string flowType, string method, string? returnTo, CancellationToken ct)
    {
        if (flowType is not (FlowTypes.Browser or FlowTypes.Api))
            throw new ArgumentException($"A settings flow is of type browser or api, not {flowType}.", nameof(flowType));
        var session = await sessions.IssueAsync(identity, [new AuthenticationMethod(method, AvailableAal.Aal1, clock.GetUtcNow().UtcDateTime)], http, ct);
        if (flowType == FlowTypes.Browser)
            sessions.SetCookie(http, session);
        var flow = await flows.CreateAsync(http, identity, flowType, returnTo, ct);
        return new OpenedSettingsFlow(flow, session, responder.FlowUiUrl(flow));
    }
}
