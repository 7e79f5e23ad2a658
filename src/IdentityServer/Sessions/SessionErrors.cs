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
/// The seam for `session.whoami.required_aal`: decides whether a session's AAL is enough for whoami
/// and the session endpoints. Until second factors exist every session passes; the settings work
/// replaces this registration with the real check (403 session_aal2_required).
/// </summary>
public interface IWhoamiAalPolicy
{
    KratosError? Check(SessionRecord session);
}

public sealed class AnyAalAccepted : IWhoamiAalPolicy
{
    public KratosError? Check(SessionRecord session) => null;
}
