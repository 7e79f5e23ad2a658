using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.Hosting;
using IdentityServer.Identities;
using IdentityServer.Persistence;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Courier;

/// <summary>
/// `GET /admin/courier/messages` (filters status and recipient; keyset pages, newest first) and
/// `GET /admin/courier/messages/{id}` with its dispatch attempts, each failed one carrying its error.
/// As in Kratos, subject and body are shown only in dev mode.
/// </summary>
public static class AdminCourierEndpoints
{
    public const int DefaultPageSize = 250;
    public const int MaxPageSize = 1000;
    public const string Redacted = "<redacted-unless-dev-mode>";

    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/courier/messages", List);
        admin.MapGet("/courier/messages/{id}", Get);
    }

    private static async Task List(HttpContext http, AppDbContext db, ConfigStore config, ServeRequest serve, CancellationToken ct)
    {
        var query = http.Request.Query;
        var messages = db.Set<CourierMessage>().AsNoTracking();
        if (query["status"].LastOrDefault() is { } status)
        {
            if (!MessageStatus.All.Contains(status))
                throw KratosError.BadRequest("Message status is not valid");
            messages = messages.Where(m => m.Status == status);
        }
        if (query["recipient"].LastOrDefault() is { Length: > 0 } recipient)
            messages = messages.Where(m => m.Recipient == recipient);
        var (size, after) = ParsePage(query);
        if (after is { } a)
            messages = messages.Where(m => m.CreatedAt < a.CreatedAt || (m.CreatedAt == a.CreatedAt && m.Id.CompareTo(a.Id) > 0));
        var rows = await messages.OrderByDescending(m => m.CreatedAt).ThenBy(m => m.Id).Take(size + 1).ToListAsync(ct);
        string? next = null;
        if (rows.Count > size)
        {
            rows.RemoveAt(rows.Count - 1);
            next = EncodeToken(rows[^1]);
        }
        WriteLinks(http, size, next);
        var dev = serve.Dev || config.Current.Dev;
        await Write(http, new JsonArray(rows.Select(m => (JsonNode)Render(m, dev, withDispatches: false)).ToArray()));
    }

    private static async Task Get(string id, HttpContext http, AppDbContext db, ConfigStore config, ServeRequest serve, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var messageId))
            throw KratosError.BadRequest($"could not parse parameter {{id}} as UUID, got {id}");
        var message = await db.Set<CourierMessage>().AsNoTracking().Include(m => m.Dispatches)
            .FirstOrDefaultAsync(m => m.Id == messageId, ct)
            ?? throw KratosError.NotFound("Unable to locate the resource");
        await Write(http, Render(message, serve.Dev || config.Current.Dev, withDispatches: true));
    }

    public static JsonObject Render(CourierMessage m, bool dev, bool withDispatches)
    {
        var json = new JsonObject
        {
            ["id"] = m.Id.ToString(),
            ["status"] = m.Status,
            ["type"] = m.Type,
            ["recipient"] = m.Recipient,
            ["body"] = dev ? m.Body : Redacted,
            ["subject"] = dev ? m.Subject : Redacted,
            ["template_type"] = m.TemplateType,
            ["channel"] = m.Channel,
            ["send_count"] = m.SendCount,
            ["created_at"] = IdentityJson.Time(m.CreatedAt),
            ["updated_at"] = IdentityJson.Time(m.UpdatedAt),
        };
        if (withDispatches && m.Dispatches.Count > 0)
        {
            json["dispatches"] = new JsonArray(m.Dispatches.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Select(d =>
            {
                var dispatch = new JsonObject
                {
                    ["id"] = d.Id.ToString(),
                    ["message_id"] = d.MessageId.ToString(),
                    ["status"] = d.Status,
                    ["created_at"] = IdentityJson.Time(d.CreatedAt),
                    ["updated_at"] = IdentityJson.Time(d.UpdatedAt),
                };
                if (d.Error is not null)
                    dispatch["error"] = JsonNode.Parse(d.Error);
                return (JsonNode)dispatch;
            }).ToArray());
        }
        return json;
    }

    private sealed record PageStart(DateTime CreatedAt, Guid Id);

    private static (int Size, PageStart? After) ParsePage(IQueryCollection query)
    {
        var size = DefaultPageSize;
        var sizeText = query["page_size"].LastOrDefault() ?? query["per_page"].LastOrDefault();
        if (sizeText is not null && (!int.TryParse(sizeText, out size) || size < 1 || size > MaxPageSize))
            throw KratosError.BadRequest($"page_size must be a whole number from 1 to {MaxPageSize}, not \"{sizeText}\".");
        if (query["page_token"].LastOrDefault() is not { Length: > 0 } token)
            return (size, null);
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var json = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(padded)));
            if (json?["t"]?.GetValue<long>() is { } ticks && Guid.TryParse(json["i"]?.GetValue<string>(), out var id)
                && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks)
                return (size, new PageStart(new DateTime(ticks, DateTimeKind.Utc), id));
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException) { }
        throw KratosError.BadRequest("The page_token is malformed; use the token from the Link header of the previous page.");
    }

    private static string EncodeToken(CourierMessage last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["t"] = last.CreatedAt.Ticks, ["i"] = last.Id.ToString() }.ToJsonString()))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void WriteLinks(HttpContext http, int size, string? next)
    {
        var basePath = http.Request.PathBase + http.Request.Path;
        var keep = http.Request.Query.Where(q => q.Key is not ("page_token" or "page" or "per_page" or "page_size"))
            .SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}")).ToList();
        string Link(string? token) =>
            basePath + "?" + string.Join("&", keep.Append($"page_size={size}").Concat(token is null ? [] : [$"page_token={token}"]));
        var links = new List<string> { $"<{Link(null)}>; rel=\"first\"" };
        if (next is not null)
            links.Add($"<{Link(next)}>; rel=\"next\"");
        http.Response.Headers["Link"] = string.Join(",", links);
    }

    private static Task Write(HttpContext http, JsonNode body)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json; charset=utf-8";
        return http.Response.WriteAsync(body.ToJsonString());
    }
}
