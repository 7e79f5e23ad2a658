using System.Text.Json.Nodes;
using IdentityServer.Errors;
using IdentityServer.Identities;
using IdentityServer.Persistence;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Sessions;

/// <summary>The public session API: whoami and the caller's own sessions.</summary>
public static class SessionEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        // Kratos answers whoami for any method so that proxies can forward requests as they come.
        routes.MapMethods("/sessions/whoami", ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], Whoami);
        routes.MapGet("/sessions", ListMine);
        routes.MapDelete("/sessions", RevokeMyOthers);
        routes.MapDelete("/sessions/{id}", RevokeMine);
    }

    internal static Task WriteJsonAsync(HttpContext http, JsonNode body, int status = 200)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        return http.Response.WriteAsync(body.ToJsonString());
    }

    private static async Task Whoami(HttpContext http, SessionService sessions, IWhoamiAalPolicy aal, CancellationToken ct)
    {
        var resolved = await sessions.ResolveAsync(http, ct);
        if (resolved is null)
        {
            await ErrorHandling.WriteAsync(http, SessionErrors.NoActiveSession());
            return;
        }
        if (await aal.CheckAsync(http, resolved.Record, ct) is { } refused)
        {
            await ErrorHandling.WriteAsync(http, refused);
            return;
        }
        var record = resolved.Record;
        http.Response.Headers["X-Kratos-Authenticated-Identity-Id"] = resolved.Cached?.IdentityIdText ?? record.IdentityId.ToString();
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = resolved.Cached?.WhoamiBody ?? sessions.WhoamiBody(record);
        http.Response.ContentLength = body.Length;
        await http.Response.BodyWriter.WriteAsync(body, ct);
    }

    private static async Task<ResolvedSession> RequireAsync(HttpContext http, SessionService sessions, IWhoamiAalPolicy aal, CancellationToken ct)
    {
        var resolved = await sessions.ResolveAsync(http, ct) ?? throw SessionErrors.NoActiveSession();
        if (await aal.CheckAsync(http, resolved.Record, ct) is { } refused)
            throw refused;
        return resolved;
    }

    private static async Task ListMine(HttpContext http, SessionService sessions, IWhoamiAalPolicy aal, AppDbContext db, CancellationToken ct)
    {
        var current = (await RequireAsync(http, sessions, aal, ct)).Record;
        var page = SessionPage.FromQuery(http.Request.Query);
        var now = sessions.Now;
        var query = db.Set<SessionRecord>().AsNoTracking()
            .Where(s => s.IdentityId == current.IdentityId && s.Id != current.Id && s.Active && s.ExpiresAt > now);
        var rows = page.Finish(await page.Apply(query).Include(s => s.Devices).AsSplitQuery().ToListAsync(ct), http);
        foreach (var row in rows)
            row.Identity = current.Identity;
        await WriteJsonAsync(http, new JsonArray(rows.Select(r => (JsonNode)sessions.Render(r, SessionJson.IdentityView.Public, withDevices: true)).ToArray()));
    }

    private static async Task RevokeMyOthers(HttpContext http, SessionService sessions, IWhoamiAalPolicy aal, CancellationToken ct)
    {
        var current = (await RequireAsync(http, sessions, aal, ct)).Record;
        var count = await sessions.RevokeOthersAsync(current.IdentityId, current.Id, ct);
        await WriteJsonAsync(http, new JsonObject { ["count"] = count });
    }

    private static async Task<IResult> RevokeMine(string id, HttpContext http, SessionService sessions, IWhoamiAalPolicy aal, CancellationToken ct)
    {
        var current = (await RequireAsync(http, sessions, aal, ct)).Record;
        if (!Guid.TryParse(id, out var sessionId))
            throw SessionErrors.MalformedId(id);
        if (sessionId == current.Id)
            throw KratosError.BadRequest("You cannot revoke the session of this request; use the logout flow instead.");
        // Kratos answers 204 also when the id is not one of the caller's sessions, so ids of other users leak nothing.
        await sessions.RevokeSessionAsync(sessionId, ownedBy: current.IdentityId, ct);
        return Results.NoContent();
    }
}
