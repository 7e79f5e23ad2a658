using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.SelfService.Flows;

namespace IdentityServer.Sessions;

/// <summary>Browser logout (logout URL and token, then the link that ends the session) and native logout.</summary>
public static class LogoutEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/self-service/logout/browser", CreateBrowserLogout);
        routes.MapGet("/self-service/logout", CompleteBrowserLogout);
        routes.MapDelete("/self-service/logout/api", NativeLogout);
    }

    private static Uri PublicBase(KratosConfig c) => c.Serve.Public.BaseUrl ?? new Uri($"http://127.0.0.1:{c.Serve.Public.Port}/");

    private static async Task CreateBrowserLogout(HttpContext http, SessionService sessions, ConfigStore config, CancellationToken ct)
    {
        var resolved = await sessions.ResolveAsync(http, ct) ?? throw SessionErrors.NoActiveSession();
        var c = config.Current;
        var logoutToken = SessionTokens.LogoutTokenFor(resolved.Token);
        var query = "token=" + Uri.EscapeDataString(logoutToken);
        if (http.Request.Query["return_to"].FirstOrDefault() is { Length: > 0 } returnTo)
            query += "&return_to=" + Uri.EscapeDataString(LogoutReturnTo.Resolve(returnTo, c, http).AbsoluteUri);
        var url = new Uri(PublicBase(c), "self-service/logout?" + query);
        await SessionEndpoints.WriteJsonAsync(http, new JsonObject
        {
            ["logout_url"] = url.ToString(),
            ["logout_token"] = logoutToken,
        });
    }

    /// <summary>
    /// Failures (no token, a replayed or foreign link, a forbidden return_to) are JSON errors for JSON callers;
    /// browsers are sent to the error UI with the error stored for `GET /self-service/errors?id=`, as in Kratos.
    /// </summary>
    private static async Task<IResult> CompleteBrowserLogout(HttpContext http, SessionService sessions, ConfigStore config,
        FlowResponder responder, CancellationToken ct)
    {
        try
        {
            return await CompleteAsync(http, sessions, config, ct);
        }
        catch (KratosError error) when (!AcceptsJson(http.Request))
        {
            await responder.ErrorAsync(http, null, error, ct);
            return Results.Empty;
        }
    }

    private static async Task<IResult> CompleteAsync(HttpContext http, SessionService sessions, ConfigStore config, CancellationToken ct)
    {
        var expected = http.Request.Query["token"].FirstOrDefault();
        if (string.IsNullOrEmpty(expected))
            throw KratosError.BadRequest("Please include a token in the URL query.");
        var c = config.Current;
        // Checked before anything changes so that a forbidden return_to leaves the session intact.
        var target = LogoutReturnTo.Resolve(http.Request.Query["return_to"].FirstOrDefault(), c, http);
        var resolved = await sessions.ResolveAsync(http, ct) ?? throw SessionErrors.NoActiveSession();
        if (!SessionTokens.SameToken(SessionTokens.LogoutTokenFor(resolved.Token), expected))
            throw KratosError.Forbidden("Unable to log out because the logout token in the URL query does not match the session cookie.");
        await sessions.RevokeAsync(resolved.Record.Id, ct);
        sessions.ClearCookie(http);
        if (c.SelfService.Flows.Logout.ClearBrowserData && http.Request.IsHttps)
            http.Response.Headers["Clear-Site-Data"] = "\"cookies\", \"storage\", \"cache\"";
        if (AcceptsJson(http.Request))
            return Results.NoContent();
        return new SeeOther(target.AbsoluteUri);
    }

    private static async Task<IResult> NativeLogout(HttpContext http, SessionService sessions, CancellationToken ct)
    {
        var body = await ErrorHandling.ReadJsonAsync(http.Request, 64 * 1024, "The request body is not valid JSON: ", ct);
        var token = body is JsonObject o && o["session_token"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : null;
        if (string.IsNullOrEmpty(token) || await sessions.RevokeByTokenAsync(token, ct) is null)
            throw KratosError.Forbidden("The provided Ory Session Token could not be found, is invalid, or otherwise malformed.");
        return Results.NoContent();
    }

    /// <summary>Kratos treats a request as JSON when it accepts application/json or sends a JSON body.</summary>
    internal static bool AcceptsJson(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("application/json", StringComparison.OrdinalIgnoreCase))
        || request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>303 See Other, which is what Kratos uses for every browser redirect.</summary>
    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            http.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
