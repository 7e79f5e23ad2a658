using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Errors;

namespace IdentityServer.SelfService.Flows;

/// <summary>
/// A flow submission as one JSON object, whether it came as JSON or as a form post. Form keys with
/// dots (`traits.name.first`) become nested objects, as Kratos reads them.
/// </summary>
public static class FlowBody
{
    public const long MaxBytes = 1024 * 1024;

    public static async Task<JsonObject> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        ErrorHandling.LimitBody(request.HttpContext, MaxBytes);
        var contentType = request.ContentType ?? "";
        if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            var node = await ErrorHandling.ReadJsonAsync(request, MaxBytes, "Unable to decode JSON payload: ", ct);
            return node as JsonObject ?? throw KratosError.BadRequest("Unable to decode JSON payload: the body must be a JSON object.");
        }
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(ct);
            }
            catch (InvalidDataException e)
            {
                // Too many fields or an overlong key or value.
                throw KratosError.BadRequest("Unable to decode the form body: " + e.Message);
            }
            var body = new JsonObject();
            foreach (var (key, values) in form)
                Set(body, key.Split('.'), values.Count > 0 ? values[^1] : "");
            return body;
        }
        throw new KratosError(415, KratosError.DefaultMessage(415), reason:
            $"The request body has the content type \"{contentType}\"; use application/json or application/x-www-form-urlencoded.");
    }

    private static void Set(JsonObject target, string[] path, string? value)
    {
        for (var i = 0; i < path.Length - 1; i++)
        {
            if (target[path[i]] is not JsonObject next)
            {
                next = new JsonObject();
                target[path[i]] = next;
            }
            target = next;
        }
        target[path[^1]] = value;
    }

    public static string? String(JsonObject body, string name) => body[name] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        null => null,
        var other => throw KratosError.BadRequest($"The field `{name}` must be a string, not {Identities.IdentityDraft.Kind(other)}."),
    };

    /// <summary>
    /// `transient_payload`: an object in JSON bodies, a JSON text in form posts; an empty object when absent
    /// or empty. Anything else is a 400. The result is a copy, free to be placed in another document.
    /// </summary>
    public static JsonObject TransientPayload(JsonObject body)
    {
        switch (body["transient_payload"])
        {
            case null:
                return new JsonObject();
            case JsonObject payload:
                return (JsonObject)payload.DeepClone();
            case JsonValue value when value.TryGetValue<string>(out var text):
                if (text.Length == 0) return new JsonObject();
                try
                {
                    if (JsonNode.Parse(text) is JsonObject parsed) return parsed;
                }
                catch (JsonException)
                {
                }
                break;
        }
        throw KratosError.BadRequest("The field `transient_payload` must be a JSON object.");
    }
}
