using IdentityServer.Config;
using IdentityServer.Identities;
using IdentityServer.Sessions;

namespace IdentityServer.SelfService.Flows.Settings;

/// <summary>What a settings strategy works on besides the submission.</summary>
/// <param name="Identity">The identity of the session, loaded with its credentials and tracked: changes are saved by the flow.</param>
/// <param name="Session">The session submitting the change.</param>
/// <param name="Privileged">Whether the session signed in within `privileged_session_max_age`.</param>
public sealed record SettingsContext(Identity Identity, CurrentSession Session, bool Privileged);

/// <summary>A way to change an account in the settings flow (profile, password, ...): one folder per strategy.</summary>
public interface ISettingsStrategy
{
    /// <summary>The `method` value the form submits, also the configuration name.</summary>
    string Method { get; }
    bool IsEnabled(KratosConfig config);
    Task PopulateAsync(FlowRecord flow, Identity identity, UiContainer ui, CancellationToken ct);

    /// <summary>
    /// Changes <see cref="SettingsContext.Identity"/> as the submission asks, without saving. Throws
    /// <see cref="FlowValidationException"/> (through <see cref="FlowSubmission.Fail"/>) for input to correct,
    /// or <see cref="PrivilegedSessionRequiredException"/> when the change needs a recent sign-in.
    /// </summary>
    Task UpdateAsync(FlowSubmission submission, SettingsContext context, CancellationToken ct);
}
