using System.Security.Cryptography;
using System.Text;
using IdentityServer.Config;

namespace IdentityServer.Sessions;

/// <summary>
/// The browser session cookie. Its value is the session token followed by an HMAC-SHA256 tag made
/// with the first cookie secret; a tag made with any listed secret is accepted, so secrets can be
/// rotated (new secret first) without signing everyone out.
/// </summary>
public sealed class SessionCookie(ConfigStore config, bool devMode)
{
    private KratosConfig Config => config.Current;

    public string Name => Config.Session.Cookie.Name;

    public string Protect(string token)
    {
        var secrets = Config.Secrets.EffectiveCookie;
        if (secrets.Count == 0)
            throw new InvalidOperationException("secrets.cookie (or secrets.default) must list at least one secret to issue session cookies.");
        return token + "." + Tag(secrets[0], token);
    }

    /// <summary>The session token inside a cookie value, or null when the value was not made with a listed secret.</summary>
    public string? Unprotect(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return null;
        var dot = value.LastIndexOf('.');
        if (dot <= 0)
            return null;
        var token = value[..dot];
        var tag = Encoding.ASCII.GetBytes(value[(dot + 1)..]);
        foreach (var secret in Config.Secrets.EffectiveCookie)
        {
            if (CryptographicOperations.FixedTimeEquals(tag, Encoding.ASCII.GetBytes(Tag(secret, token))))
                return token;
        }
        return null;
    }

    public static string Tag(string secret, string token) =>
        Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public CookieOptions Options(DateTime? expiresAt) => Security.CookieSettings.Session(Config, devMode, expiresAt);

    public void Set(HttpContext http, string token, DateTime expiresAt) =>
        http.Response.Cookies.Append(Name, Protect(token), Options(expiresAt));

    public void Clear(HttpContext http) => http.Response.Cookies.Delete(Name, Options(null));
}
