using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Identities;
using IdentityServer.Persistence;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Sessions;

/// <summary>A session found from a request, with the token that found it.</summary>
public sealed record ResolvedSession(SessionRecord Record, string Token, bool FromCookie)
{
    /// <summary>The cache entry that answered or now holds this session; null when the cache is off or full.</summary>
    public CachedSession? Cached { get; init; }
}

/// <summary>
/// Stores, finds and revokes sessions; implements the contract the flows use. Sessions are resolved
/// through <see cref="SessionCache"/>; every change made here invalidates it through
/// <see cref="SessionCacheInvalidation"/>. The database context is taken from the request's services
/// only when needed, so a request answered from the cache never rents one.
/// </summary>
public sealed class SessionService(IServiceProvider services, ConfigStore config, SessionCache cache, SessionCacheInvalidation invalidation,
    SessionCookie cookie, IIdentitySchemas schemas, TimeProvider clock)
    : ISessionService
{
    private AppDbContext? _db;
    private AppDbContext db => _db ??= services.GetRequiredService<AppDbContext>();

    private static Task<SessionRecord?> ByTokenHash(AppDbContext db, string hash, CancellationToken ct) => db switch
    {
        PostgresDbContext p => PostgresSessionLookup.ByTokenHashAsync(p, hash, ct),
        SqliteDbContext l => SessionQueries<SqliteDbContext>.ByTokenHash(l, hash, ct),
        _ => throw new NotSupportedException(db.GetType().Name),
    };

    private static Task<SessionRecord?> ById(AppDbContext db, Guid id, CancellationToken ct) => db switch
    {
        PostgresDbContext p => SessionQueries<PostgresDbContext>.ById(p, id, ct),
        SqliteDbContext l => SessionQueries<SqliteDbContext>.ById(l, id, ct),
        _ => throw new NotSupportedException(db.GetType().Name),
    };

    public const string TokenHeader = "X-Session-Token";

    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    private Config.SessionOptions Options => config.Current.Session;

    public async Task<IssuedSession> IssueAsync(Identity identity, IReadOnlyList<AuthenticationMethod> methods, HttpContext http, CancellationToken ct)
    {
        var now = Now;
        var token = SessionTokens.NewSessionToken();
        var record = new SessionRecord
        {
            Id = Guid.NewGuid(),
            IdentityId = identity.Id,
            TokenHash = SessionTokens.Hash(token),
            Active = true,
            ExpiresAt = now + Options.Lifespan,
            AuthenticatedAt = LastCompleted(methods, now),
            IssuedAt = now,
            Aal = AalOf(methods),
            AuthenticationMethods = SessionJson.SerializeMethods(methods),
            CreatedAt = now,
            UpdatedAt = now,
            Devices = [DeviceOf(http, now)],
        };
        db.Add(record);
        await db.SaveChangesAsync(ct);
        Detach(record);
        var stored = await ById(db, record.Id, ct) ?? throw new InvalidOperationException("The session just stored could not be read back.");
        return new IssuedSession(record.Id, token, Render(stored, SessionJson.IdentityView.Public, withDevices: true));
    }

    public async Task<JsonObject> ExtendWithAsync(Guid sessionId, IReadOnlyList<AuthenticationMethod> methods, HttpContext http, CancellationToken ct)
    {
        var now = Now;
        var record = await db.Set<SessionRecord>().Include(s => s.Devices).FirstOrDefaultAsync(s => s.Id == sessionId, ct)
            ?? throw Errors.KratosError.NotFound("Unable to locate the resource");
        var all = SessionJson.ParseMethods(record.AuthenticationMethods).Concat(methods).ToList();
        record.AuthenticationMethods = SessionJson.SerializeMethods(all);
        record.AuthenticatedAt = LastCompleted(methods, now);
        record.Aal = AalOf(all);
        record.ExpiresAt = now + Options.Lifespan;
        record.UpdatedAt = now;
        var device = DeviceOf(http, now);
        if (!record.Devices.Any(d => d.IpAddress == device.IpAddress && d.UserAgent == device.UserAgent))
            record.Devices.Add(device);
        await db.SaveChangesAsync(ct);
        Detach(record);
        var stored = await ById(db, sessionId, ct) ?? throw Errors.KratosError.NotFound("Unable to locate the resource");
        return Render(stored, SessionJson.IdentityView.Public, withDevices: true);
    }

    public async Task<CurrentSession?> CurrentAsync(HttpContext http, CancellationToken ct)
    {
        var resolved = await ResolveAsync(http, ct);
        if (resolved is null)
            return null;
        var s = resolved.Record;
        return new CurrentSession(s.Id, s.IdentityId, s.Aal, s.AuthenticatedAt, s.ExpiresAt,
            SessionJson.ParseMethods(s.AuthenticationMethods), resolved.FromCookie,
            Render(s, SessionJson.IdentityView.Public, withDevices: true));
    }

    /// <summary>
    /// The active session of the request with an active identity, or null. The record may be shared with
    /// other requests through the cache: callers must not change it.
    /// </summary>
    public ValueTask<ResolvedSession?> ResolveAsync(HttpContext http, CancellationToken ct)
    {
        var (token, fromCookie) = TokenOf(http);
        if (token is null)
            return ValueTask.FromResult<ResolvedSession?>(null);
        var key = SessionTokenHash.Of(token);
        var now = Now;
        if (cache.Get(key, now) is { } hit && SessionJson.IsActive(hit.Record, now))
            return ValueTask.FromResult<ResolvedSession?>(new ResolvedSession(hit.Record, token, fromCookie) { Cached = hit });
        return ReadAsync(key, token, fromCookie, ct);
    }

    private async ValueTask<ResolvedSession?> ReadAsync(SessionTokenHash key, string token, bool fromCookie, CancellationToken ct)
    {
        // Taken before the read: a change committed while reading stops this result from being cached.
        var generation = cache.Generation;
        var record = await ByTokenHash(db, key.ToHex(), ct);
        var now = Now;
        if (record?.Identity is null || !SessionJson.IsActive(record, now))
            return null;
        var cached = cache.Put(key, record, WhoamiBody, generation, now);
        return new ResolvedSession(record, token, fromCookie) { Cached = cached };
    }

    /// <summary>The whoami answer for a session, as UTF-8 JSON.</summary>
    public byte[] WhoamiBody(SessionRecord record)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(2048);
        WhoamiWriter.Write(buffer, record, schemas.PublicUrl(record.Identity!.SchemaId), Now);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The session token of a request: X-Session-Token, then Authorization: Bearer, then the cookie.</summary>
    public (string? Token, bool FromCookie) TokenOf(HttpContext http)
    {
        var headers = http.Request.Headers;
        var header = headers[TokenHeader].ToString();
        if (header.Length > 0)
            return (header, false);
        var authorization = headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7)
            return (authorization[7..].Trim(), false);
        if (http.Request.Cookies.TryGetValue(cookie.Name, out var value) && cookie.Unprotect(value) is { } fromCookie)
            return (fromCookie, true);
        return (null, false);
    }

    public void SetCookie(HttpContext http, IssuedSession session)
    {
        var expires = session.Session["expires_at"]?.GetValue<string>() is { } e
            ? DateTime.Parse(e, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal)
            : Now + Options.Lifespan;
        cookie.Set(http, session.Token, expires);
    }

    public void ClearCookie(HttpContext http) => cookie.Clear(http);

    public Task RevokeAsync(Guid sessionId, CancellationToken ct) => RevokeSessionAsync(sessionId, ownedBy: null, ct);

    /// <summary>Revokes one session (when <paramref name="ownedBy"/> is set, only an active one of that identity); returns how many rows changed.</summary>
    public async Task<int> RevokeSessionAsync(Guid sessionId, Guid? ownedBy, CancellationToken ct)
    {
        var query = db.Set<SessionRecord>().Where(s => s.Id == sessionId);
        if (ownedBy is { } owner)
            query = query.Where(s => s.IdentityId == owner && s.Active);
        var count = await query.ExecuteUpdateAsync(u => u.SetProperty(s => s.Active, false).SetProperty(s => s.UpdatedAt, Now), ct);
        await invalidation.SessionChangedAsync(db, sessionId, ct);
        return count;
    }

    public async Task<int> RevokeOthersAsync(Guid identityId, Guid? exceptSessionId, CancellationToken ct)
    {
        var query = db.Set<SessionRecord>().Where(s => s.IdentityId == identityId && s.Active);
        if (exceptSessionId is { } except)
            query = query.Where(s => s.Id != except);
        var count = await query.ExecuteUpdateAsync(u => u.SetProperty(s => s.Active, false).SetProperty(s => s.UpdatedAt, Now), ct);
        await invalidation.IdentityChangedAsync(db, identityId, ct);
        return count;
    }

    /// <summary>Deletes every session of the identity; returns how many there were.</summary>
    public async Task<int> DeleteAllOfIdentityAsync(Guid identityId, CancellationToken ct)
    {
        var count = await db.Set<SessionRecord>().Where(s => s.IdentityId == identityId).ExecuteDeleteAsync(ct);
        await invalidation.IdentityChangedAsync(db, identityId, ct);
        return count;
    }

    /// <summary>Revokes the session with this token; null when no session has it.</summary>
    public async Task<Guid?> RevokeByTokenAsync(string token, CancellationToken ct)
    {
        var hash = SessionTokens.Hash(token);
        var id = await db.Set<SessionRecord>().Where(s => s.TokenHash == hash).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct);
        if (id is { } found)
            await RevokeAsync(found, ct);
        return id;
    }

    public Task<SessionRecord?> FindAsync(Guid id, CancellationToken ct) => ById(db, id, ct);

    /// <summary>
    /// Moves expires_at to now + session.lifespan, unless session.earliest_possible_extend says it is too
    /// early (then nothing changes, as in Kratos). False when there is no such session.
    /// </summary>
    public async Task<bool> ExtendAsync(Guid id, CancellationToken ct)
    {
        var record = await db.Set<SessionRecord>().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (record is null)
            return false;
        var now = Now;
        if (Options.EarliestPossibleExtend is { } window && record.ExpiresAt - window > now)
            return true;
        record.ExpiresAt = now + Options.Lifespan;
        record.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        db.Entry(record).State = EntityState.Detached;
        return true;
    }

    public JsonObject Render(SessionRecord record, SessionJson.IdentityView view, bool withDevices) =>
        SessionJson.Render(record, schemas, view, withDevices, Now);

    private void Detach(SessionRecord record)
    {
        foreach (var device in record.Devices)
            db.Entry(device).State = EntityState.Detached;
        db.Entry(record).State = EntityState.Detached;
    }

    private static DateTime LastCompleted(IReadOnlyList<AuthenticationMethod> methods, DateTime now) =>
        methods.Count == 0 ? now : methods.Max(m => DateTime.SpecifyKind(m.CompletedAt, DateTimeKind.Utc));

    private static string AalOf(IEnumerable<AuthenticationMethod> methods) =>
        methods.Any(m => m.Aal == "aal2") ? "aal2" : "aal1";

    private static SessionDevice DeviceOf(HttpContext http, DateTime now)
    {
        var headers = http.Request.Headers;
        // Kratos reads the location from the headers Cloudflare adds in front of it.
        var city = headers["Cf-Ipcity"].ToString();
        var country = headers["Cf-Ipcountry"].ToString();
        var location = string.Join(", ", new[] { city, country }.Where(v => v.Length > 0));
        var userAgent = headers.UserAgent.ToString();
        return new SessionDevice
        {
            Id = Guid.NewGuid(),
            IpAddress = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = userAgent.Length > 0 ? userAgent : null,
            Location = location.Length > 0 ? location : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }
}

/// <summary>
/// Compiled session lookups. A compiled query is bound to one model, so each provider's context type
/// gets its own copy. One round trip loads the session, its devices, the identity and its addresses.
/// </summary>
internal static class SessionQueries<TContext> where TContext : AppDbContext
{
    public static readonly Func<TContext, string, CancellationToken, Task<SessionRecord?>> ByTokenHash =
        EF.CompileAsyncQuery((TContext c, string hash, CancellationToken ct) => c.Set<SessionRecord>().AsNoTracking()
            .Include(s => s.Identity!).ThenInclude(i => i.VerifiableAddresses)
            .Include(s => s.Identity!).ThenInclude(i => i.RecoveryAddresses)
            .Include(s => s.Devices)
            .AsSingleQuery()
            .FirstOrDefault(s => s.TokenHash == hash));

    public static readonly Func<TContext, Guid, CancellationToken, Task<SessionRecord?>> ById =
        EF.CompileAsyncQuery((TContext c, Guid id, CancellationToken ct) => c.Set<SessionRecord>().AsNoTracking()
            .Include(s => s.Identity!).ThenInclude(i => i.VerifiableAddresses)
            .Include(s => s.Identity!).ThenInclude(i => i.RecoveryAddresses)
            .Include(s => s.Devices)
            .AsSingleQuery()
            .FirstOrDefault(s => s.Id == id));
}
