using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace IdentityServer.Identities.Schemas;

/// <summary>
/// Pagination of <c>GET /schemas</c>: accepts both <c>page</c>/<c>per_page</c> and
/// <c>page_token</c>/<c>page_size</c>, and writes <c>Link</c> and <c>X-Total-Count</c> headers whose
/// links carry both parameter styles.
/// </summary>
public static class SchemaListPagination
{
    public const int DefaultPerPage = 250;
    public const int MaxPerPage = 1000;

    /// <summary>The zero-based page and page size a request asks for.</summary>
    public static (int Page, int PerPage) Parse(IQueryCollection query)
    {
        if (query.ContainsKey("page_token") || query.ContainsKey("page_size"))
        {
            var size = ClampPerPage(ParseInt(query["page_size"], DefaultPerPage));
            var offset = DecodeToken(query["page_token"].ToString());
            return (offset > 0 ? offset / size : 0, size);
        }
        var page = Math.Max(ParseInt(query["page"], 0), 0);
        return (page, ClampPerPage(ParseInt(query["per_page"], DefaultPerPage)));
    }

    /// <summary>The opaque token for an item offset: unpadded base64url of <c>{"offset":"N","v":2}</c>.</summary>
    public static string EncodeToken(long offset)
    {
        var json = $"{{\"offset\":\"{offset.ToString(CultureInfo.InvariantCulture)}\",\"v\":2}}";
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static int DecodeToken(string token)
    {
        if (token.Length == 0)
        {
            return 0;
        }
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded = padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '=');
            using var doc = JsonDocument.Parse(Convert.FromBase64String(padded));
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("offset", out var offset))
            {
                return offset.ValueKind switch
                {
                    JsonValueKind.String when int.TryParse(offset.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
                    JsonValueKind.Number when offset.TryGetInt32(out var n) => n,
                    _ => 0,
                };
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            // An unreadable token starts from the beginning.
        }
        return 0;
    }

    /// <summary>Sets <c>X-Total-Count</c> and the <c>Link</c> header for the current page.</summary>
    public static void WriteHeaders(HttpResponse response, string path, IQueryCollection query, long total, int page, int perPage)
    {
        response.Headers["X-Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        response.Headers["Link"] = LinkHeader(path, query, total, page, perPage);
    }

    public static string LinkHeader(string path, IQueryCollection query, long total, int page, int perPage)
    {
        long size = Math.Max(perPage, 1);
        var offset = page * size;
        var lastOffset = total % size == 0 ? total - size : total / size * size;

        string Link(string rel, long itemsPerPage, long linkOffset) => Format(path, query, rel, itemsPerPage, linkOffset);

        if (offset >= lastOffset)
        {
            if (total == 0)
            {
                return string.Join(",", Link("first", size, 0), Link("next", size, (offset / size + 1) * size),
                    Link("prev", size, (offset / size - 1) * size));
            }
            if (total <= size)
            {
                return Link("first", total, 0);
            }
            return string.Join(",", Link("first", size, 0), Link("prev", size, lastOffset - size));
        }
        if (offset < size)
        {
            return string.Join(",", Link("next", size, size), Link("last", size, lastOffset));
        }
        return string.Join(",", Link("first", size, 0), Link("next", size, (offset / size + 1) * size),
            Link("prev", size, (offset / size - 1) * size), Link("last", size, lastOffset));
    }

    private static string Format(string path, IQueryCollection query, string rel, long itemsPerPage, long offset)
    {
        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (key, values) in query)
        {
            parameters[key] = values.Select(v => v ?? "").ToList();
        }
        parameters["page_size"] = [itemsPerPage.ToString(CultureInfo.InvariantCulture)];
        parameters["page_token"] = [EncodeToken(offset)];
        parameters["per_page"] = [itemsPerPage.ToString(CultureInfo.InvariantCulture)];
        parameters["page"] = [(offset / itemsPerPage).ToString(CultureInfo.InvariantCulture)];
        var encoded = string.Join("&", parameters.SelectMany(p => p.Value.Select(v =>
            Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(v))));
        return $"<{path}?{encoded}>; rel=\"{rel}\"";
    }

    private static int ParseInt(Microsoft.Extensions.Primitives.StringValues value, int fallback) =>
        int.TryParse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : fallback;

    private static int ClampPerPage(int perPage) => Math.Clamp(perPage, 1, MaxPerPage);
}
