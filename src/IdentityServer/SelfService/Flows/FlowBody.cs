using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Errors;
using IdentityServer.Security;

namespace IdentityServer.SelfService.Flows;

/// <summary>
/// A flow submission as one JSON object, whether it came as JSON or as a form post. Form keys with
/// dots (`traits.name.first`) become nested objects, as Kratos reads them; of a repeated key the first
/// value counts and empty values are left out, as in Kratos's form decoder (traits are typed by
/// <see cref="FormTraits"/>). Text that is not UTF-8 reads as U+FFFD; NUL characters are refused.
/// </summary>
public static class FlowBody
{
    public const long MaxBytes = 1024 * 1024;

    public static async Task<JsonObject> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await DecodeAsync(request, ct);
        }
        catch (NulCharacterException e)
        {
            throw FieldRefused(request.HttpContext, e);
        }
    }

    private static async Task<JsonObject> DecodeAsync(HttpRequest request, CancellationToken ct)
    {
        ErrorHandling.LimitBody(request.HttpContext, MaxBytes);
        var contentType = request.ContentType ?? "";
        if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            JsonNode? node;
            try
            {
                node = await RequestJson.ParseAsync(request.Body, ct);
            }
            catch (JsonException e)
            {
                throw KratosError.BadRequest("Unable to decode JSON payload: " + e.Message);
            }
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
            {
                if (key.Contains('\0') || values.Any(v => v?.Contains('\0') == true))
                    throw new NulCharacterException(key);
                // As Go's url.Values.Get: the first of repeated values counts; an empty value is no value.
                var first = values.Count > 0 ? values[0] : null;
                if (!string.IsNullOrEmpty(first))
                    Set(body, key.Split('.'), first);
            }
            return body;
        }
        throw new KratosError(415, KratosError.DefaultMessage(415), reason:
            $"The request body has the content type \"{contentType}\"; use application/json or application/x-www-form-urlencoded.");
    }

    /// <summary>
    /// A field the stores cannot keep: the flow is answered with a validation message on that field (or on
    /// the form when it shows no such field), outside a flow with a 400 error.
    /// </summary>
    private static Exception FieldRefused(HttpContext http, NulCharacterException e)
    {
        if (http.Items[typeof(FlowRecord)] is not FlowRecord flow)
            return RequestJson.BadRequest(e);
        var ui = UiContainer.Parse(flow.Ui);
        ui.ResetMessages();
        var message = Text.Messages.ValidationGeneric("The value contains a NUL character, which is not allowed.");
        if (ui.Find(e.Field) is { } node) node.Messages.Add(message);
        else ui.AddMessage(message);
        return new FlowValidationException(flow, ui);
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
                    if (JsonNode.Parse(RequestJson.ReplaceLoneSurrogates(text)) is JsonObject parsed)
                    {
                        RequestJson.ThrowOnNul(parsed, "transient_payload");
                        return parsed;
                    }
                }
                catch (JsonException)
                {
                }
                catch (NulCharacterException e)
                {
                    throw RequestJson.BadRequest(e);
                }
                break;
        }
        throw KratosError.BadRequest("The field `transient_payload` must be a JSON object.");
    }
}
