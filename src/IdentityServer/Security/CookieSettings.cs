using IdentityServer.Config;

namespace IdentityServer.Security;

/// <summary>
/// The one place that decides the attributes of the cookies the server sets: the session cookie
/// (`session.cookie.*`, falling back to `cookies.*`) and the CSRF and continuity cookies (`cookies.*`).
/// As in Kratos, cookies are `Secure` whenever dev mode is off, also behind an http base URL;
/// `session.cookie.secure` and `cookies.secure` override that.
/// </summary>
public static class CookieSettings
{
    public static CookieOptions Session(KratosConfig c, bool dev, DateTime? expiresAt)
    {
        var options = new CookieOptions
        {
            HttpOnly = true,
            Path = c.Session.Cookie.Path ?? c.Cookies.Path,
            Domain = c.Session.Cookie.Domain ?? c.Cookies.Domain,
            SameSite = ParseSameSite(c.Session.Cookie.SameSite ?? c.Cookies.SameSite),
            Secure = Secure(c.Session.Cookie.Secure, dev || c.Dev),
        };
        if (c.Session.Cookie.Persistent && expiresAt is { } e)
            options.Expires = new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc));
        return options;
    }

    /// <summary>The CSRF and continuity cookies.</summary>
    public static CookieOptions Shared(KratosConfig c, bool dev, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        Secure = Secure(c.Cookies.Secure, dev || c.Dev),
        SameSite = ParseSameSite(c.Cookies.SameSite),
        Path = string.IsNullOrEmpty(c.Cookies.Path) ? "/" : c.Cookies.Path,
        Domain = string.IsNullOrEmpty(c.Cookies.Domain) ? null : c.Cookies.Domain,
        MaxAge = maxAge,
    };

    /// <summary>The configured value read as Go's strconv.ParseBool (anything else is false, as Kratos reads it); unset: not dev.</summary>
    public static bool Secure(string? configured, bool dev) => configured switch
    {
        null or "" => !dev,
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        _ => false,
    };

    private static SameSiteMode ParseSameSite(string? value) => value?.ToLowerInvariant() switch
    {
        "strict" => SameSiteMode.Strict,
        "none" => SameSiteMode.None,
        _ => SameSiteMode.Lax,
    };
}
