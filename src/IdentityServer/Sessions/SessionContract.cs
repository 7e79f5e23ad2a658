using System.Text.Json.Nodes;
using IdentityServer.Identities;

namespace IdentityServer.Sessions;

/// <summary>How one factor of a session was completed (Kratos's `sessionAuthenticationMethod`).</summary>
public sealed record AuthenticationMethod(string Method, string Aal, DateTime CompletedAt, string? Provider = null);

/// <summary>A session that was just issued, with the one-time visible token.</summary>
public sealed record IssuedSession(Guid SessionId, string Token, JsonObject Session);

/// <summary>
/// Sessions as the flows use them. Browser requests get the session cookie; native requests get the
/// token in the response body. Implemented in this folder; the flows only call this.
/// </summary>
public interface ISessionService
{
    /// <summary>Issues a session for an identity after the given factors; stores only the token's hash.</summary>
    Task<IssuedSession> IssueAsync(Identity identity, IReadOnlyList<AuthenticationMethod> methods, HttpContext http, CancellationToken ct);

    /// <summary>Adds factors to an existing session (re-authentication or a second factor) and refreshes it.</summary>
    Task<JsonObject> ExtendWithAsync(Guid sessionId, IReadOnlyList<AuthenticationMethod> methods, HttpContext http, CancellationToken ct);

    /// <summary>The active session of this request (cookie, X-Session-Token or Authorization: Bearer), or null.</summary>
    Task<CurrentSession?> CurrentAsync(HttpContext http, CancellationToken ct);

    /// <summary>Sets the browser session cookie for an issued session.</summary>
    void SetCookie(HttpContext http, IssuedSession session);

    void ClearCookie(HttpContext http);

    Task RevokeAsync(Guid sessionId, CancellationToken ct);

    /// <summary>Revokes every active session of the identity except one; returns how many were revoked.</summary>
    Task<int> RevokeOthersAsync(Guid identityId, Guid? exceptSessionId, CancellationToken ct);
}

/// <summary>The session of the current request, already checked to be active and unexpired with an active identity.</summary>
public sealed record CurrentSession(Guid Id, Guid IdentityId, string Aal, DateTime AuthenticatedAt, DateTime ExpiresAt,
    IReadOnlyList<AuthenticationMethod> Methods, bool FromCookie, JsonObject Json);
