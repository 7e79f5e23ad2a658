using IdentityServer.Config;
using IdentityServer.SelfService.Flows;

namespace IdentityServer.Sessions;

/// <summary>
/// Where logout sends the browser: `return_to` when <see cref="ReturnToPolicy"/> allows it (relative URLs
/// resolved against the logout default, which is allowed too), else the logout default, else the global default.
/// </summary>
public static class LogoutReturnTo
{
    public static Uri DefaultFor(KratosConfig c, HttpContext http)
    {
        var text = c.SelfService.Flows.Logout.After.DefaultBrowserReturnUrl ?? c.SelfService.DefaultBrowserReturnUrl;
        return text is not null && Uri.TryCreate(text, UriKind.Absolute, out var u) ? u : PublicUrls.BaseUrl(c, http);
    }

    public static Uri Resolve(string? returnTo, KratosConfig c, HttpContext http)
    {
        var fallback = DefaultFor(c, http);
        return ReturnToPolicy.Resolve(c, http, returnTo, fallback, alsoAllowed: fallback) ?? fallback;
    }
}
