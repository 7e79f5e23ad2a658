using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Errors;

namespace IdentityServer.Sessions;

/// <summary>
/// Keyset pagination of session lists, newest first as Kratos lists them (created_at descending, then
/// id), with Kratos's page_size and page_token. The token carries the last row's created_at and id.
/// </summary>
public sealed record SessionPage(int PageSize, SessionPage.Key? After)
{
    public sealed record Key(DateTime CreatedAt, Guid Id);

    /// <summary>Orders newest first and skips up to the page token; takes one row more to see whether a next page exists.</summary>
    public IQueryable<SessionRecord> Apply(IQueryable<SessionRecord> query)
    {
        if (After is { } after)
            query = query.Where(s => s.CreatedAt < after.CreatedAt || (s.CreatedAt == after.CreatedAt && s.Id.CompareTo(after.Id) < 0));
        return query.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(PageSize + 1);
    }

    public const int DefaultPageSize = 250;
    public const int MaxPageSize = 1000;

    public static SessionPage FromQuery(IQueryCollection query)
    {
        var pageSize = DefaultPageSize;
        var sizeText = query["page_size"].LastOrDefault() ?? query["per_page"].LastOrDefault();
        if (sizeText is not null && (!int.TryParse(sizeText, out pageSize) || pageSize < 1 || pageSize > MaxPageSize))
            throw KratosError.BadRequest($"page_size must be a whole number from 1 to {MaxPageSize}, not \"{sizeText}\".");
        Key? after = null;
        if (query["page_token"].LastOrDefault() is { Length: > 0 } token)
            after = DecodeToken(token);
        return new SessionPage(pageSize, after);
    }

    public static string EncodeToken(Key last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["t"] = last.CreatedAt.Ticks, ["k"] = last.Id.ToString() }.ToJsonString()))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Key DecodeToken(string token)
    {
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var json = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(padded)));
            if (json?["k"]?.GetValue<string>() is { } k && Guid.TryParse(k, out var id)
                && json["t"]?.GetValue<long>() is { } ticks && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks)
                return new Key(new DateTime(ticks, DateTimeKind.Utc), id);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException) { }
        throw KratosError.BadRequest("The page_token is malformed; use the token from the Link header of the previous page.");
    }

    /// <summary>Cuts the extra row fetched to detect a next page, and writes the Link header.</summary>
    public List<SessionRecord> Finish(List<SessionRecord> rows, HttpContext context)
    {
        Key? next = null;
        if (rows.Count > PageSize)
        {
            rows.RemoveAt(rows.Count - 1);
            next = new Key(rows[^1].CreatedAt, rows[^1].Id);
        }
        var basePath = context.Request.PathBase + context.Request.Path;
        var keep = context.Request.Query.Where(q => q.Key is not ("page_token" or "page" or "per_page" or "page_size"))
            .SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}")).ToList();
        string Link(string? token) =>
            basePath + "?" + string.Join("&", keep.Append($"page_size={PageSize}").Concat(token is null ? [] : [$"page_token={token}"]));
        var links = new List<string> { $"<{Link(null)}>; rel=\"first\"" };
        if (next is { } n)
            links.Add($"<{Link(EncodeToken(n))}>; rel=\"next\"");
        context.Response.Headers["Link"] = string.Join(",", links);
        return rows;
    }
}
