using IdentityServer.Errors;

namespace IdentityServer.Sessions;

public static class SessionErrors
{
    public static KratosError NoActiveSession() =>
        new(401, "request does not have a valid authentication session", "session_inactive", "No active session was found in this request.");

    public static KratosError SessionNotFound() => KratosError.NotFound("Unable to locate the resource");

    public static KratosError MalformedId(string id) =>
        KratosError.BadRequest($"The id \"{id}\" is not a valid UUID.");
}

/// <summary>
/// `session.whoami.required_aal` for whoami and the session endpoints: with `highest_available`, an
/// aal1 session of an identity that has a second factor is refused with 403 session_aal2_required.
/// </summary>
public interface IWhoamiAalPolicy
{
    Task<KratosError?> CheckAsync(HttpContext http, SessionRecord session, CancellationToken ct);
}
