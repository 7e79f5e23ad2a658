using System.Reflection;
using System.Text.Json.Nodes;
using IdentityServer.Errors;
using IdentityServer.Persistence;

namespace IdentityServer.Health;

public static class HealthEndpoints
{
    public static string Version { get; } =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>Maps the probes and /version; they answer on both listeners, as in Kratos.</summary>
    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health/alive", () => Results.Json(new { status = "ok" }));
        routes.MapGet("/health/ready", async (Store store, HttpContext context, CancellationToken ct) =>
        {
            var failure = await store.CheckAsync(ct);
            if (failure is null)
                return Results.Json(new { status = "ok" });
            var body = new KratosError(503, KratosError.DefaultMessage(503), reason: "The database is not reachable: " + failure)
                .ToJson(context.TraceIdentifier);
            // Kratos's own not-ready shape, next to the generic error.
            body["errors"] = new JsonObject { ["database"] = failure };
            return Results.Content(body.ToJsonString(), "application/json; charset=utf-8", statusCode: 503);
        });
        routes.MapGet("/version", () => Results.Json(new { version = Version }));
    }
}
