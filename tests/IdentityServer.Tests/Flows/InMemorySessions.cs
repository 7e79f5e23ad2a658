using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IdentityServer.Identities;
using IdentityServer.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Flows;

/// <summary>
/// A small stand-in for the session service so the flow tests run before the real one is merged.
/// Tokens are kept in memory; the cookie carries the token itself.
/// </summary>
public sealed class InMemorySessions : ISessionService
{
    public const string CookieName = "ory_kratos_session";

    private sealed record Entry(Guid Id, Guid IdentityId, string Token, DateTime AuthenticatedAt, DateTime ExpiresAt,
        List<AuthenticationMethod> Methods, JsonObject Json)
    {
        public bool Active { get; set; } = true;
    }

    private readonly ConcurrentDictionary<string, Entry> _byToken = new();

    public int ActiveCount(Guid identityId) => _byToken.Values.Count(e => e.IdentityId == identityId && e.Active);

    public Task<IssuedSession> IssueAsync(Identity identity, IReadOnlyList<AuthenticationMethod> methods, HttpContext http, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var token = "ory_st_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var id = Guid.NewGuid();
        var schemaUrl = http.RequestServices.GetRequiredService<IIdentitySchemas>().PublicUrl(identity.SchemaId);
        var json = Render(id, IdentityJson.Render(identity, schemaUrl, false, [], false), now, now.AddHours(24), methods);
        _byToken[token] = new Entry(id, identity.Id, token, now, now.AddHours(24), [.. methods], json);
        return Task.FromResult(new IssuedSession(id, token, json));
    }

    public Task<JsonObject> ExtendWithAsync(Guid sessionId, IReadOnlyList<AuthenticationMethod> methods, HttpContext http, CancellationToken ct)
    {
        var entry = _byToken.Values.Single(e => e.Id == sessionId);
        entry.Methods.AddRange(methods);
        var json = Render(entry.Id, (JsonObject)entry.Json["identity"]!.DeepClone(), DateTime.UtcNow, entry.ExpiresAt, entry.Methods);
        return Task.FromResult(json);
    }

    public Task<CurrentSession?> CurrentAsync(HttpContext http, CancellationToken ct)
    {
        var fromCookie = http.Request.Cookies.TryGetValue(CookieName, out var cookie);
        var token = http.Request.Headers["X-Session-Token"].ToString();
        var auth = http.Request.Headers.Authorization.ToString();
        if (token.Length == 0 && auth.StartsWith("Bearer ", StringComparison.Ordinal)) token = auth[7..];
        if (token.Length == 0 && fromCookie) token = cookie!;
        if (token.Length == 0 || !_byToken.TryGetValue(token, out var e) || !e.Active)
            return Task.FromResult<CurrentSession?>(null);
        return Task.FromResult<CurrentSession?>(new CurrentSession(e.Id, e.IdentityId, "aal1", e.AuthenticatedAt, e.ExpiresAt, e.Methods, fromCookie, e.Json));
    }

    public void SetCookie(HttpContext http, IssuedSession session) =>
        http.Response.Cookies.Append(CookieName, session.Token, new CookieOptions { HttpOnly = true, Path = "/", SameSite = SameSiteMode.Lax });

    public void ClearCookie(HttpContext http) => http.Response.Cookies.Delete(CookieName);

    public Task RevokeAsync(Guid sessionId, CancellationToken ct)
    {
        foreach (var e in _byToken.Values.Where(e => e.Id == sessionId)) e.Active = false;
        return Task.CompletedTask;
    }

    public Task<int> RevokeOthersAsync(Guid identityId, Guid? exceptSessionId, CancellationToken ct)
    {
        var revoked = 0;
        foreach (var e in _byToken.Values.Where(e => e.IdentityId == identityId && e.Id != exceptSessionId && e.Active))
        {
            e.Active = false;
            revoked++;
        }
        return Task.FromResult(revoked);
    }

    private static JsonObject Render(Guid id, JsonObject identity, DateTime authenticatedAt, DateTime expiresAt, IEnumerable<AuthenticationMethod> methods) => new()
    {
        ["id"] = id.ToString(),
        ["active"] = true,
        ["expires_at"] = IdentityJson.Time(expiresAt),
        ["authenticated_at"] = IdentityJson.Time(authenticatedAt),
        ["authenticator_assurance_level"] = "aal1",
        ["authentication_methods"] = new JsonArray(methods.Select(m => (JsonNode)new JsonObject
        {
            ["method"] = m.Method, ["aal"] = m.Aal, ["completed_at"] = IdentityJson.Time(m.CompletedAt),
        }).ToArray()),
        ["issued_at"] = IdentityJson.Time(authenticatedAt),
        ["identity"] = identity,
    };
}
