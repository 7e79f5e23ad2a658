using IdentityServer.Config;
using IdentityServer.Errors;

namespace IdentityServer.SelfService.Flows;

/// <summary>
/// Checks `return_to` against `selfservice.allowed_return_urls` as Kratos does: same scheme, the host
/// exactly or by a `*.` wildcard suffix, and the path under the allowed path. Relative URLs are resolved
/// against the default return URL first, so `//other.host` and `\/other.host` are checked as the
/// absolute URLs a browser makes of them. Every flow and logout use this one check.
/// </summary>
public static class ReturnToPolicy
{
    /// <summary>The absolute return URL to keep on the flow, or null when none was asked for.</summary>
    public static string? Check(KratosConfig config, HttpContext http, string? requested) =>
        Resolve(config, http, requested, DefaultReturnUrl(config, http), alsoAllowed: null)?.AbsoluteUri;

    /// <summary>
    /// The URL to send the browser to: <paramref name="requested"/> when it is allowed (<paramref name="alsoAllowed"/>
    /// counts as an allowed URL too), null when none was asked for. Unparseable: 400; not allowed: 400
    /// `self_service_flow_return_to_forbidden`.
    /// </summary>
    public static Uri? Resolve(KratosConfig config, HttpContext http, string? requested, Uri fallback, Uri? alsoAllowed)
    {
        if (string.IsNullOrEmpty(requested)) return null;
        if (!Uri.TryCreate(fallback, requested, out var returnTo) || returnTo.Scheme is not ("http" or "https")
            || string.IsNullOrEmpty(returnTo.Host))
            throw KratosError.BadRequest($"Unable to parse the return_to query parameter as an URL: \"{requested}\"");

        var allowed = config.SelfService.AllowedReturnUrls
            .Select(a => Uri.TryCreate(a.Replace("*.", "wildcard-marker."), UriKind.Absolute, out var u) ? (Raw: a, Uri: u) : default)
            .Where(a => a.Uri is not null)
            .Append((Raw: PublicUrls.BaseUrl(config, http).ToString(), Uri: PublicUrls.BaseUrl(config, http)));
        if (alsoAllowed is not null)
            allowed = allowed.Append((Raw: alsoAllowed.ToString(), Uri: alsoAllowed));
        // A user-info part (`//allowed.host@other.host`) only serves to disguise the real host.
        foreach (var (raw, uri) in returnTo.UserInfo.Length == 0 ? allowed : [])
        {
            if (!string.Equals(uri.Scheme, returnTo.Scheme, StringComparison.OrdinalIgnoreCase)) continue;
            if (!HostAllowed(raw, uri, returnTo)) continue;
            var allowedPath = string.IsNullOrEmpty(uri.AbsolutePath) ? "/" : uri.AbsolutePath;
            var path = string.IsNullOrEmpty(returnTo.AbsolutePath) ? "/" : returnTo.AbsolutePath;
            if (path.StartsWith(allowedPath, StringComparison.Ordinal))
                return returnTo;
        }
        throw new KratosError(400, KratosError.DefaultMessage(400), "self_service_flow_return_to_forbidden",
            $"Requested return_to URL \"{returnTo.AbsoluteUri}\" is not allowed.");
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
