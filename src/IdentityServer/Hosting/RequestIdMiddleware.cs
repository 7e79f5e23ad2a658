namespace IdentityServer.Hosting;

/// <summary>
/// Gives every request an id: the caller's X-Request-Id when it is a sane token, otherwise a new
/// UUID. Error bodies return it as error.request and the log names it.
/// </summary>
public static class RequestIdMiddleware
{
    public const string Header = "X-Request-Id";

    public static void UseRequestIds(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var incoming = context.Request.Headers[Header].ToString();
        context.TraceIdentifier = IsSane(incoming) ? incoming : Guid.NewGuid().ToString();
        context.Response.Headers[Header] = context.TraceIdentifier;
        return next(context);
    });

    private static bool IsSane(string value) =>
        value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
