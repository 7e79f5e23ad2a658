using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;

namespace IdentityServer.SelfService.Flows;

/// <summary>
/// Anti-CSRF protection for browser flows, compatible with Kratos: an HttpOnly cookie holds a random
/// token; forms carry a masked copy (a one-time pad and the token XOR the pad) so the value in the
/// page differs every time while still matching the cookie.
/// </summary>
public sealed class CsrfTokens(ConfigStore configStore, Hosting.ServeRequest serve)
{
    public const string FieldName = "csrf_token";
    public const string HeaderName = "X-CSRF-Token";
    private const int TokenLength = 32;

    private const string Reason = "Please retry the flow and optionally clear your cookies. The request was rejected to protect you from Cross-Site-Request-Forgery (CSRF) which could cause account takeover, leaking personal information, and other serious security issues.";
    private const string NoCookie = "The HTTP Cookie Header is empty or not set.";
    private const string CookieMissing = "The HTTP Cookie Header was set but did not include the anti-CSRF cookie.";
    private const string TokenNotSent = "The anti-CSRF cookie was found but the CSRF token was not included in the HTTP request body (csrf_token) nor in the HTTP Header (X-CSRF-Token).";
    private const string TokenMismatch = "The HTTP Cookie Header was set and a CSRF token was sent but they do not match. We recommend deleting all cookies for this domain and retrying the flow.";
    private const string AjaxHint = "We detected an AJAX call, please ensure that CORS is enabled and configured correctly, and that your AJAX code sends cookies and has credentials enabled. For further debugging, check your Browser's Network Tab to see what cookies are included or excluded.";
    private const string ServerHint = "We detected a regular browser or server-side call. To debug browser calls check your Browser's Network Tab to see what cookies are included or excluded. If you are calling from a server ensure that the appropriate cookies are being forwarded and that the SDK method is called correctly.";

    private KratosConfig Config => configStore.Current;

    /// <summary>`csrf_token_` and the SHA-256 of the public base URL, so two servers on one domain do not clash.</summary>
    public string CookieName(HttpContext http)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(PublicUrls.BaseUrl(Config, http).ToString()));
        return "csrf_token_" + Convert.ToHexStringLower(hash);
    }

    /// <summary>The masked token for a new browser flow; sets the cookie when the browser has none.</summary>
    public string IssueMasked(HttpContext http)
    {
        var raw = CookieToken(http);
        if (raw is null)
        {
            raw = RandomNumberGenerator.GetBytes(TokenLength);
            SetCookie(http, raw);
        }
        return Mask(raw);
    }

    /// <summary>Whether the browser's cookie matches a (masked or plain) token.</summary>
    public bool Matches(HttpContext http, string? sent)
    {
        var raw = CookieToken(http);
        if (raw is null || string.IsNullOrEmpty(sent)) return false;
        var unmasked = Unmask(sent);
        return unmasked is not null && CryptographicOperations.FixedTimeEquals(raw, unmasked);
    }

    /// <summary>The 403 Kratos answers for this request, with the hint that says what is missing.</summary>
    public KratosError Violation(HttpContext http, bool tokenSent)
    {
        var mode = http.Request.Headers["Sec-Fetch-Mode"].ToString();
        var ajax = mode is "cors" or "same-origin";
        var details = new JsonObject { ["docs"] = "https://www.ory.com/docs/troubleshooting/csrf" };
        string? rejectReason;
        if (string.IsNullOrEmpty(http.Request.Headers.Cookie.ToString())) rejectReason = NoCookie;
        else if (!http.Request.Cookies.ContainsKey(CookieName(http))) rejectReason = CookieMissing;
        else if (!tokenSent) rejectReason = null;
        else rejectReason = TokenMismatch;

        if (rejectReason is null)
            details["hint"] = TokenNotSent;
        else
        {
            details["hint"] = ajax ? AjaxHint : ServerHint;
            details["reject_reason"] = rejectReason;
        }
        return new KratosError(403, "the request was rejected to protect you from Cross-Site-Request-Forgery",
            "security_csrf_violation", Reason, details);
    }

    private byte[]? CookieToken(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName(http), out var value)) return null;
        var bytes = Decode(value);
        return bytes is { Length: TokenLength } ? bytes : null;
    }

    private void SetCookie(HttpContext http, byte[] raw)
    {
        http.Response.Cookies.Append(CookieName(http), Convert.ToBase64String(raw),
            Security.CookieSettings.Shared(Config, serve.Dev, TimeSpan.FromDays(365)));
    }

    private static string Mask(byte[] raw)
    {
        var pad = RandomNumberGenerator.GetBytes(TokenLength);
        var masked = new byte[TokenLength * 2];
        pad.CopyTo(masked, 0);
        for (var i = 0; i < TokenLength; i++) masked[TokenLength + i] = (byte)(raw[i] ^ pad[i]);
        return Convert.ToBase64String(masked);
    }

    private static byte[]? Unmask(string token)
    {
        var bytes = Decode(token);
        if (bytes is { Length: TokenLength }) return bytes;
        if (bytes is not { Length: TokenLength * 2 }) return null;
        var raw = new byte[TokenLength];
        for (var i = 0; i < TokenLength; i++) raw[i] = (byte)(bytes[TokenLength + i] ^ bytes[i]);
        return raw;
    }

    private static byte[]? Decode(string value)
    {
        try { return Convert.FromBase64String(value); }
        catch (FormatException) { return null; }
    }
}
