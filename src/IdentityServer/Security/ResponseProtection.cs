using IdentityServer.Errors;

namespace IdentityServer.Security;

/// <summary>
/// Request and response rules that hold for every endpoint: a NUL character in the path or query is a 400
/// (neither store can keep it), answers that may carry identity or session data are never cached, and the
/// built-in pages under /ui get a strict Content-Security-Policy and may not be framed.
/// </summary>
public static class ResponseProtection
{
    public const string NoStore = "private, no-cache, no-store, must-revalidate";

    /// <summary>Scripts, styles and images only from this server; no inline code, no framing, no plugins.</summary>
    public const string UiContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; manifest-src 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static void UseResponseProtection(this WebApplication app) => app.Use(async (http, next) =>
    {
        var request = http.Request;
        if (request.Path.Value?.Contains('\0') == true || request.Query.Any(q => q.Key.Contains('\0') || q.Value.Any(v => v?.Contains('\0') == true)))
        {
            await ErrorHandling.WriteAsync(http, KratosError.BadRequest("The URL contains a NUL character, which is not allowed."));
            return;
        }
        var path = request.Path;
        var cacheable = IsPublicResource(path);
        var page = path.StartsWithSegments("/ui");
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            if (!cacheable && string.IsNullOrEmpty(headers.CacheControl))
                headers.CacheControl = NoStore;
            if (page)
            {
                headers.ContentSecurityPolicy = UiContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
            }
            return Task.CompletedTask;
        });
        await next(http);
    });

    /// <summary>Answers that are the same for everyone: health, version, schemas, and files such as stylesheets.</summary>
    private static bool IsPublicResource(PathString path)
    {
        if (path.StartsWithSegments("/health") || path.StartsWithSegments("/admin/health")
            || path.StartsWithSegments("/version") || path.StartsWithSegments("/admin/version")
            || path.StartsWithSegments("/schemas") || path.StartsWithSegments("/admin/schemas")
            || path.StartsWithSegments("/.well-known"))
            return true;
        var value = path.Value ?? "";
        var last = value[(value.LastIndexOf('/') + 1)..];
        return path.StartsWithSegments("/ui") && last.Contains('.');
    }
}
