using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Identities.Schemas;

namespace IdentityServer.SelfService.Flows;

/// <summary>
/// The traits of a form post, typed as the identity schema declares them, as Kratos's form decoder does:
/// numbers and booleans are converted (a value that does not convert is kept as text for the schema check
/// to refuse), repeated keys of an array property become an array (one value too), empty values of
/// optional fields are left out, and keys the schema does not know are dropped. JSON bodies are kept as sent.
/// </summary>
public static class FormTraits
{
    private const string Prefix = "traits.";
    private const int MaxDepth = 32;

    private sealed record Property(string Type, string? ItemType, bool Required);

    /// <summary>
    /// For a form post, replaces `traits` in <paramref name="body"/> by the typed traits and returns them;
    /// otherwise returns the body's traits unchanged.
    /// </summary>
    public static JsonNode? Decode(HttpRequest request, JsonObject body, IdentitySchema schema)
    {
        if (!request.HasFormContentType || request.Method != HttpMethods.Post) return body["traits"];
        var properties = new Dictionary<string, Property>(StringComparer.Ordinal);
        if (schema.TraitsSchema is { } traitsSchema)
            Collect(schema.Document, traitsSchema, "", null, properties, 0);
        var traits = new JsonObject();
        foreach (var (key, values) in request.Form)
        {
            if (!key.StartsWith(Prefix, StringComparison.Ordinal) || !properties.TryGetValue(key[Prefix.Length..], out var property)) continue;
            if (Convert(property, values) is { } value)
                Set(traits, key[Prefix.Length..].Split('.'), value);
        }
        body["traits"] = traits;
        return traits;
    }

    private static JsonNode? Convert(Property property, Microsoft.Extensions.Primitives.StringValues values)
    {
        var all = values.Select(v => v ?? "").ToList();
        if (all.Count == 0) return null;
        switch (property.Type)
        {
            case "array":
                return new JsonArray(all.Select(v => property.ItemType switch
                {
                    "number" or "integer" => Number(v),
                    "boolean" => Boolean(v),
                    _ => JsonValue.Create(v),
                }).ToArray());
            case "number" or "integer":
                var number = all[0];
                if (number.Length == 0)
                    return property.Required ? JsonValue.Create(0) : null;
                return Number(number);
            case "boolean":
                // The last value wins, so that a hidden "false" before a checkbox works as an unchecked default.
                var flag = all[^1];
                if (flag.Length == 0)
                    return property.Required ? JsonValue.Create(false) : null;
                return Boolean(flag);
            case "object":
                if (all[0].Length == 0) return null;
                try
                {
                    return JsonNode.Parse(all[0]);
                }
                catch (JsonException)
                {
                    return JsonValue.Create(all[0]);
                }
            default:
                return all[0].Length == 0 ? null : JsonValue.Create(all[0]);
        }
    }

    private static JsonNode Number(string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
            return JsonValue.Create(text);
        return number % 1 == 0 && Math.Abs(number) < 9e15 ? JsonValue.Create((long)number) : JsonValue.Create(number);
    }

    /// <summary>Go's strconv.ParseBool, plus "on", which browsers send for a checkbox without a value.</summary>
    private static JsonNode Boolean(string text) => text switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" or "on" => JsonValue.Create(true),
        "0" or "f" or "F" or "false" or "FALSE" or "False" => JsonValue.Create(false),
        _ => JsonValue.Create(text),
    };

    private static void Set(JsonObject target, string[] path, JsonNode value)
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

    /// <summary>Lists the properties under <paramref name="node"/> by dotted path, following local $refs and combinators.</summary>
    private static void Collect(JsonObject root, JsonNode? node, string path, JsonArray? parentRequired,
        Dictionary<string, Property> found, int depth)
    {
        if (node is not JsonObject schema || depth > MaxDepth) return;
        if (schema["$ref"] is JsonValue r && r.TryGetValue<string>(out var reference)
            && KratosExtension.ResolveLocal(root, reference) is JsonObject target)
            Collect(root, target, path, parentRequired, found, depth + 1);
        foreach (var key in new[] { "allOf", "anyOf", "oneOf" })
        {
            if (schema[key] is JsonArray parts)
                foreach (var part in parts) Collect(root, part, path, parentRequired, found, depth + 1);
        }
        if (path.Length > 0 && TypeOf(schema) is { } type && type != "object")
        {
            var required = parentRequired?.Any(n => n is JsonValue v && v.TryGetValue<string>(out var s) && s == path.Split('.')[^1]) == true;
            found[path] = new Property(type, type == "array" ? ItemTypeOf(root, schema) : null, required);
        }
        if (schema["properties"] is JsonObject properties)
        {
            var required = schema["required"] as JsonArray;
            foreach (var (name, sub) in properties)
                Collect(root, sub, path.Length == 0 ? name : path + "." + name, required, found, depth + 1);
            if (path.Length > 0 && !found.ContainsKey(path) && properties.Count == 0)
                found[path] = new Property("object", null, false);
        }
    }

    private static string? TypeOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray a => a.Select(t => t is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).FirstOrDefault(s => s is not null and not "null"),
        _ => schema.ContainsKey("enum") || schema.ContainsKey("format") || schema.ContainsKey("pattern") ? "string" : null,
    };

    private static string? ItemTypeOf(JsonObject root, JsonObject schema)
    {
        var items = schema["items"] as JsonObject;
        if (items?["$ref"] is JsonValue r && r.TryGetValue<string>(out var reference))
            items = KratosExtension.ResolveLocal(root, reference) as JsonObject ?? items;
        return items is null ? null : TypeOf(items);
    }
}
