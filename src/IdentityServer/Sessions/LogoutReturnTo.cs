using IdentityServer.Config;
using IdentityServer.Errors;

namespace IdentityServer.Sessions;

/// <summary>
/// Where logout sends the browser: `return_to` when Kratos's rules allow it (the public base URL, or an
/// entry of selfservice.allowed_return_urls by origin and path prefix, `*.` wildcards for subdomains,
/// relative paths resolved against the default), else the logout default, else the global default.
/// </summary>
public static class LogoutReturnTo
{
    public static Uri DefaultFor(KratosConfig c)
    {
        var text = c.SelfService.Flows.Logout.After.DefaultBrowserReturnUrl ?? c.SelfService.DefaultBrowserReturnUrl;
        return text is not null && Uri.TryCreate(text, UriKind.Absolute, out var u)
            ? u
            : c.Serve.Public.BaseUrl ?? new Uri($"http://127.0.0.1:{c.Serve.Public.Port}/");
    }

    public static Uri Resolve(string? returnTo, KratosConfig c)
    {
        var fallback = DefaultFor(c);
        if (string.IsNullOrEmpty(returnTo))
            return fallback;
        if (!Uri.TryCreate(returnTo, UriKind.RelativeOrAbsolute, out var requested))
            throw Forbidden(returnTo);
        if (!requested.IsAbsoluteUri)
            return new Uri(fallback, requested);
        if (requested.Scheme is not ("http" or "https") && !c.SelfService.AllowedReturnUrls.Any(a => a.StartsWith(requested.Scheme + ":", StringComparison.OrdinalIgnoreCase)))
            throw Forbidden(returnTo);
        var allowed = c.SelfService.AllowedReturnUrls.Select(a => Uri.TryCreate(a, UriKind.Absolute, out var u) ? u : null)
            .Where(u => u is not null).Select(u => u!)
            .Append(fallback);
        if (c.Serve.Public.BaseUrl is { } self)
            allowed = allowed.Append(self);
        return allowed.Any(a => Matches(a, requested)) ? requested : throw Forbidden(returnTo);
    }

    private static bool Matches(Uri allowed, Uri requested)
    {
        if (!string.Equals(allowed.Scheme, requested.Scheme, StringComparison.OrdinalIgnoreCase) || allowed.Port != requested.Port)
            return false;
        var host = allowed.Host;
        var hostOk = host.StartsWith("*.", StringComparison.Ordinal)
            ? requested.Host.EndsWith(host[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(host, requested.Host, StringComparison.OrdinalIgnoreCase);
        return hostOk && requested.AbsolutePath.StartsWith(allowed.AbsolutePath, StringComparison.Ordinal);
    }

    private static KratosError Forbidden(string returnTo) =>
        KratosError.BadRequest($"Requested return_to URL \"{returnTo}\" is not allowed.", "self_service_flow_return_to_forbidden");
}
