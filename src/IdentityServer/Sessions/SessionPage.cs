using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Errors;

namespace IdentityServer.Sessions;

/// <summary>Keyset pagination of session lists (ordered by id), with Kratos's page_size and page_token.</summary>
public sealed record SessionPage(int PageSize, Guid? After)
{
    public const int DefaultPageSize = 250;
    public const int MaxPageSize = 1000;

    public static SessionPage FromQuery(IQueryCollection query)
    {
        var pageSize = DefaultPageSize;
        var sizeText = query["page_size"].LastOrDefault() ?? query["per_page"].LastOrDefault();
        if (sizeText is not null && (!int.TryParse(sizeText, out pageSize) || pageSize < 1 || pageSize > MaxPageSize))
            throw KratosError.BadRequest($"page_size must be a whole number from 1 to {MaxPageSize}, not \"{sizeText}\".");
        Guid? after = null;
        if (query["page_token"].LastOrDefault() is { Length: > 0 } token)
            after = DecodeToken(token);
        return new SessionPage(pageSize, after);
    }

    public static string EncodeToken(Guid lastId) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["k"] = lastId.ToString() }.ToJsonString()))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Guid DecodeToken(string token)
    {
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            if (JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(padded)))?["k"]?.GetValue<string>() is { } k
                && Guid.TryParse(k, out var id))
                return id;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException) { }
        throw KratosError.BadRequest("The page_token is malformed; use the token from the Link header of the previous page.");
    }

    /// <summary>Cuts the extra row fetched to detect a next page, and writes the Link header.</summary>
    public List<SessionRecord> Finish(List<SessionRecord> rows, HttpContext context)
    {
        Guid? next = null;
        if (rows.Count > PageSize)
        {
            rows.RemoveAt(rows.Count - 1);
            next = rows[^1].Id;
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
