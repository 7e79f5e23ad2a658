using IdentityServer.Identities;
using IdentityServer.Sessions;

namespace IdentityServer.SelfService.Flows.Settings;

/// <summary>
/// Opens a settings flow for an identity with a freshly issued, privileged session. Recovery uses it:
/// after a valid recovery code or link the person lands in settings to choose a new password.
/// </summary>
public interface ISettingsFlowOpener
{
    /// <param name="flowType">browser or api, as the recovery flow that asks for it.</param>
    /// <param name="method">The authentication method recorded on the new session (code or link_recovery).</param>
    Task<OpenedSettingsFlow> OpenAsync(HttpContext http, Identity identity, string flowType, string method, string? returnTo, CancellationToken ct);
}

/// <param name="Flow">The new settings flow, already stored.</param>
/// <param name="Session">The session issued for it; browsers also receive it as the session cookie.</param>
/// <param name="UiUrl">The settings UI address for this flow (`selfservice.flows.settings.ui_url?flow=ID`).</param>
public sealed record OpenedSettingsFlow(FlowRecord Flow, IssuedSession Session, string UiUrl);
