using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Identities.Schemas;

/// <summary>
/// The public identity schema endpoints: <c>GET /schemas</c> lists <c>[{"id", "schema"}]</c> and
/// <c>GET /schemas/{id}</c> returns the raw schema. The id may be given as configured or
/// base64url-encoded. Requires an <see cref="IdentitySchemaRegistry"/> in the service container.
/// </summary>
public static class SchemaEndpoints
{
    /// <param name="endpoints">The route builder.</param>
    /// <param name="prefix">Optional path prefix, e.g. <c>/admin</c> to serve <c>/admin/schemas</c> as well.</param>
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints, string prefix = "")
    {
        prefix = prefix.TrimEnd('/');
        endpoints.MapGet(prefix + "/schemas", (Func<HttpContext, Task<IResult>>)ListAsync);
        endpoints.MapGet(prefix + "/schemas/{id}", GetAsync);
        return endpoints;
    }

    private static async Task<IResult> ListAsync(HttpContext context)
    {
        var registry = context.RequestServices.GetRequiredService<IdentitySchemaRegistry>();
        var (page, perPage) = SchemaListPagination.Parse(context.Request.Query);
        IReadOnlyList<IdentitySchema> schemas;
        try
        {
            schemas = await registry.ListAsync(page, perPage, context.RequestAborted);
        }
        catch (IdentitySchemaLoadException e)
        {
            return ErrorResult(StatusCodes.Status500InternalServerError, "Internal Server Error",
                "The request failed because of a misconfiguration",
                "The file for a JSON Schema ID could not be found or opened. This is a configuration issue.", e.Message);
        }

        SchemaListPagination.WriteHeaders(context.Response, context.Request.PathBase + context.Request.Path,
            context.Request.Query, registry.Count, page, perPage);
        var body = new JsonArray(schemas.Select(s => (JsonNode)new JsonObject
        {
            ["id"] = s.Id,
            ["schema"] = s.Document.DeepClone(),
        }).ToArray());
        return Results.Content(body.ToJsonString(), "application/json");
    }

    private static async Task<IResult> GetAsync(HttpContext context, string id)
    {
        var registry = context.RequestServices.GetRequiredService<IdentitySchemaRegistry>();
        if (!registry.TryResolveId(id, out var resolved))
        {
            return ErrorResult(StatusCodes.Status404NotFound, "Not Found", "The requested resource could not be found",
                $"Identity schema `{id}` could not be found.");
        }
        try
        {
            var schema = await registry.GetAsync(resolved, context.RequestAborted);
            return Results.Content(schema.ToJson(), "application/json");
        }
        catch (IdentitySchemaLoadException e)
        {
            return ErrorResult(StatusCodes.Status500InternalServerError, "Internal Server Error",
                "The request failed because of a misconfiguration",
                "The file for this JSON Schema ID could not be found/fetched. This is a configuration issue.", e.Message);
        }
    }

    /// <summary>The standard error body: <c>{"error":{"code","status","message","reason"}}</c>.</summary>
    private static IResult ErrorResult(int code, string status, string message, string reason, string? debug = null)
    {
        var error = new JsonObject
        {
            ["code"] = code,
            ["status"] = status,
            ["reason"] = reason,
            ["message"] = message,
        };
        if (debug is not null)
        {
            error["debug"] = debug;
        }
        return Results.Content(new JsonObject { ["error"] = error }.ToJsonString(), "application/json", statusCode: code);
    }
}
