using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IdentityServer.Identities;
using IdentityServer.Sessions;
using Microsoft.AspNetCore.Http;

namespace LoginBench;

/// <summary>Issues throw-away sessions so the bench measures the login path, not session storage.</summary>
internal sealed class BenchSessions : ISessionService
{
    public Task<IssuedSession> IssueAsync(Identity identity, IReadOnlyList<AuthenticationMethod> methods, HttpContext http, CancellationToken ct)
    {
        var id = Guid.NewGuid();
        var json = new JsonObject { ["id"] = id.ToString(), ["active"] = true, ["identity"] = new JsonObject { ["id"] = identity.Id.ToString() } };
        return Task.FromResult(new IssuedSession(id, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), json));
    }

    public Task<JsonObject> ExtendWithAsync(Guid sessionId, IReadOnlyList<AuthenticationMethod> methods, HttpContext http, CancellationToken ct) =>
        Task.FromResult(new JsonObject { ["id"] = sessionId.ToString() });

    public Task<CurrentSession?> CurrentAsync(HttpContext http, CancellationToken ct) => Task.FromResult<CurrentSession?>(null);
    public void SetCookie(HttpContext http, IssuedSession session) { }
    public void ClearCookie(HttpContext http) { }
    public Task RevokeAsync(Guid sessionId, CancellationToken ct) => Task.CompletedTask;
    public Task<int> RevokeOthersAsync(Guid identityId, Guid? exceptSessionId, CancellationToken ct) => Task.FromResult(0);
}
