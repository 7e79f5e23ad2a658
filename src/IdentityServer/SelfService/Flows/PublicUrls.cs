using IdentityServer.Config;

namespace IdentityServer.SelfService.Flows;

public static class PublicUrls
{
    /// <summary>serve.public.base_url, or the address this request came in on.</summary>
    public static Uri BaseUrl(KratosConfig config, HttpContext http) =>
        config.Serve.Public.BaseUrl ?? new Uri($"{http.Request.Scheme}://{http.Request.Host}/");

    public static string Combine(Uri baseUrl, string path) => baseUrl.ToString().TrimEnd('/') + path;

    /// <summary>Adds or replaces one query parameter.</summary>
    public static string WithQuery(string url, string name, string value)
    {
        var uri = new UriBuilder(url);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query);
        var pairs = query.Where(p => p.Key != name).SelectMany(p => p.Value.Select(v => (p.Key, v))).ToList();
        pairs.Add((name, value));
        uri.Query = string.Join("&", pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.v ?? "")));
        return uri.Uri.ToString();
    }
}
