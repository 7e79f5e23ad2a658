using System.Text.Json.Nodes;
using IdentityServer.Errors;
using IdentityServer.Identities;
using IdentityServer.Persistence;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Sessions;

/// <summary>The admin session API (admin listener only).</summary>
public static class AdminSessionEndpoints
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/sessions", List);
        admin.MapGet("/sessions/{id}", Get);
        admin.MapDelete("/sessions/{id}", Revoke);
        admin.MapPatch("/sessions/{id}/extend", Extend);
        admin.MapGet("/identities/{id}/sessions", ListForIdentity);
        admin.MapDelete("/identities/{id}/sessions", DeleteForIdentity);
    }

    private sealed record Expand(bool Identity, bool Devices);

    private static Expand ParseExpand(IQueryCollection query)
    {
        bool identity = false, devices = false;
        foreach (var value in query["expand"])
        {
            switch (value?.ToLowerInvariant())
            {
                case "identity": identity = true; break;
                case "devices": devices = true; break;
                default: throw KratosError.BadRequest($"Could not parse expand option: {value}");
            }
        }
        return new Expand(identity, devices);
    }

    private static bool? ParseActive(IQueryCollection query)
    {
        var raw = query["active"].LastOrDefault();
        if (string.IsNullOrEmpty(raw))
            return null;
        return bool.TryParse(raw, out var active) ? active : throw KratosError.BadRequest("could not parse parameter active");
    }

    private static Guid ParseId(string id) => Guid.TryParse(id, out var g) ? g : throw SessionErrors.MalformedId(id);

    private static IQueryable<SessionRecord> WhereActive(IQueryable<SessionRecord> query, bool? active, DateTime now) => active switch
    {
        true => query.Where(s => s.Active && s.ExpiresAt > now),
        false => query.Where(s => !s.Active || s.ExpiresAt <= now),
        _ => query,
    };

    private static async Task<List<SessionRecord>> PageAsync(IQueryable<SessionRecord> query, SessionPage page, Expand expand, HttpContext http, CancellationToken ct)
    {
        query = page.Apply(query);
        if (expand.Identity)
            query = query.Include(s => s.Identity!).ThenInclude(i => i.VerifiableAddresses)
                .Include(s => s.Identity!).ThenInclude(i => i.RecoveryAddresses);
        if (expand.Devices)
            query = query.Include(s => s.Devices);
        return page.Finish(await query.AsNoTracking().AsSplitQuery().ToListAsync(ct), http);
    }

    private static Task WriteList(HttpContext http, SessionService sessions, List<SessionRecord> rows, Expand expand) =>
        SessionEndpoints.WriteJsonAsync(http, new JsonArray(rows.Select(r => (JsonNode)sessions.Render(r,
            expand.Identity ? SessionJson.IdentityView.Admin : SessionJson.IdentityView.Omit, expand.Devices)).ToArray()));

    private static async Task List(HttpContext http, SessionService sessions, AppDbContext db, CancellationToken ct)
    {
        var query = http.Request.Query;
        var active = ParseActive(query);
        var expand = ParseExpand(query);
        var page = SessionPage.FromQuery(query);
        var rows = await PageAsync(WhereActive(db.Set<SessionRecord>(), active, sessions.Now), page, expand, http, ct);
        await WriteList(http, sessions, rows, expand);
    }

    private static async Task ListForIdentity(string id, HttpContext http, SessionService sessions, AppDbContext db, CancellationToken ct)
    {
        var identityId = ParseId(id);
        var query = http.Request.Query;
        var active = ParseActive(query);
        var page = SessionPage.FromQuery(query);
        if (!await db.Identities.AnyAsync(i => i.Id == identityId, ct))
            throw KratosError.NotFound("Unable to locate the resource");
        var expand = new Expand(Identity: true, Devices: true);
        var rows = await PageAsync(WhereActive(db.Set<SessionRecord>().Where(s => s.IdentityId == identityId), active, sessions.Now), page, expand, http, ct);
        await WriteList(http, sessions, rows, expand);
    }

    private static async Task Get(string id, HttpContext http, SessionService sessions, CancellationToken ct)
    {
        var expand = ParseExpand(http.Request.Query);
        var record = await sessions.FindAsync(ParseId(id), ct) ?? throw SessionErrors.SessionNotFound();
        await SessionEndpoints.WriteJsonAsync(http, sessions.Render(record,
            expand.Identity ? SessionJson.IdentityView.Admin : SessionJson.IdentityView.Omit, expand.Devices));
    }

    private static async Task<IResult> Revoke(string id, SessionService sessions, CancellationToken ct)
    {
        var count = await sessions.RevokeSessionAsync(ParseId(id), ownedBy: null, ct);
        return count == 0 ? throw SessionErrors.SessionNotFound() : Results.NoContent();
    }

    private static async Task Extend(string id, HttpContext http, SessionService sessions, CancellationToken ct)
    {
        var sessionId = ParseId(id);
        if (!await sessions.ExtendAsync(sessionId, ct))
            throw SessionErrors.SessionNotFound();
        var record = await sessions.FindAsync(sessionId, ct) ?? throw SessionErrors.SessionNotFound();
        await SessionEndpoints.WriteJsonAsync(http, sessions.Render(record, SessionJson.IdentityView.Admin, withDevices: true));
    }

    private static async Task<IResult> DeleteForIdentity(string id, SessionService sessions, CancellationToken ct)
    {
        var count = await sessions.DeleteAllOfIdentityAsync(ParseId(id), ct);
        return count == 0 ? throw KratosError.NotFound("Unable to locate the resource") : Results.NoContent();
    }
}
