using System.Text.Json.Nodes;
using IdentityServer.Errors;

namespace IdentityServer.SelfService.Flows.Settings;

/// <summary>A strategy asks for a session that signed in more recently than privileged_session_max_age.</summary>
public sealed class PrivilegedSessionRequiredException() : Exception("The session is too old for this change.");

public static class SettingsErrors
{
    /// <summary>403 session_refresh_required; redirect_browser_to signs in again and comes back to the flow.</summary>
    public static FlowError NeedsPrivilegedSession(string redirectTo) =>
        new(403, KratosError.DefaultMessage(403), "session_refresh_required",
            "The login session is too old and thus not allowed to update these fields. Please re-authenticate.", null,
            new JsonObject { ["redirect_browser_to"] = redirectTo });

    /// <summary>Another identity's session fetched the flow.</summary>
    public static KratosError FetchedBySomeoneElse() => KratosError.Forbidden(
        "The request was made for another identity and has been blocked for security reasons.", "security_identity_mismatch");

    /// <summary>Another identity's session submitted the flow.</summary>
    public static KratosError SubmittedBySomeoneElse() => KratosError.Forbidden(
        "The request was initiated by someone else and has been blocked for security reasons. Please go back and try again.",
        "security_identity_mismatch");

    public static KratosError NoValueChanges() => KratosError.BadRequest("Did not receive any value changes.");
}
