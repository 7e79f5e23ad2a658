using IdentityServer.Config;
using IdentityServer.Errors;

namespace IdentityServer.SelfService.Flows;

/// <summary>
/// Checks `return_to` against `selfservice.allowed_return_urls` as Kratos does: same scheme, the host
/// exactly or by a `*.` wildcard suffix, and the path under the allowed path. Relative URLs take the
/// scheme and host of the default return URL.
/// </summary>
public static class ReturnToPolicy
{
    /// <summary>The absolute return URL to keep on the flow, or null when none was asked for.</summary>
    public static string? Check(KratosConfig config, HttpContext http, string? requested)
    {
        if (string.IsNullOrEmpty(requested)) return null;
        var fallback = DefaultReturnUrl(config, http);
        if (!Uri.TryCreate(fallback, requested, out var returnTo) || returnTo.Scheme is not ("http" or "https"))
            throw KratosError.BadRequest($"Unable to parse the return_to query parameter as an URL: \"{requested}\"");

        var allowed = config.SelfService.AllowedReturnUrls
            .Select(a => Uri.TryCreate(a.Replace("*.", "wildcard-marker."), UriKind.Absolute, out var u) ? (Raw: a, Uri: u) : default)
            .Where(a => a.Uri is not null)
            .Append((Raw: PublicUrls.BaseUrl(config, http).ToString(), Uri: PublicUrls.BaseUrl(config, http)));
        foreach (var (raw, uri) in allowed)
        {
            if (!string.Equals(uri.Scheme, returnTo.Scheme, StringComparison.OrdinalIgnoreCase)) continue;
            if (!HostAllowed(raw, uri, returnTo)) continue;
            var allowedPath = string.IsNullOrEmpty(uri.AbsolutePath) ? "/" : uri.AbsolutePath;
            var path = string.IsNullOrEmpty(returnTo.AbsolutePath) ? "/" : returnTo.AbsolutePath;
            if (path.StartsWith(allowedPath, StringComparison.Ordinal))
                return returnTo.ToString();
        }
        throw new KratosError(400, KratosError.DefaultMessage(400), "self_service_flow_return_to_forbidden",
            $"Requested return_to URL \"{returnTo}\" is not allowed.");
    }

    public static Uri DefaultReturnUrl(KratosConfig config, HttpContext http) =>
        Uri.TryCreate(config.SelfService.DefaultBrowserReturnUrl, UriKind.Absolute, out var u) ? u : PublicUrls.BaseUrl(config, http);

    private static bool HostAllowed(string raw, Uri allowed, Uri returnTo)
    {
        var authority = returnTo.IsDefaultPort ? returnTo.Host : $"{returnTo.Host}:{returnTo.Port}";
        var allowedAuthority = allowed.IsDefaultPort ? allowed.Host : $"{allowed.Host}:{allowed.Port}";
        if (raw.Contains("://*.", StringComparison.Ordinal))
        {
            // "*.example.com" matches every subdomain of example.com (not example.com itself).
            var suffix = allowedAuthority["wildcard-marker".Length..];
            return authority.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
        }
        return string.Equals(authority, allowedAuthority, StringComparison.OrdinalIgnoreCase);
    }
}
