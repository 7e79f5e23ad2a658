using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Text;

namespace IdentityServer.Identities.Schemas;

/// <summary>
/// A form input derived from one identity schema property.
/// </summary>
/// <param name="Name">Field name in dot notation, e.g. <c>traits.email</c>.</param>
/// <param name="Type">HTML input type: text, email, tel, number, checkbox, date, datetime-local, url, password.</param>
/// <param name="Required">Whether the property is listed in its parent's <c>required</c>.</param>
/// <param name="Label">Label from the property's <c>title</c> (message 1070002), if it has one.</param>
/// <param name="Autocomplete">Autocomplete hint for e-mail, phone and URL inputs.</param>
/// <param name="Pattern">The property's <c>pattern</c>, if any.</param>
/// <param name="Options">Allowed values from <c>enum</c>, if any.</param>
/// <param name="Value">The current value from the given traits, if any.</param>
public sealed record TraitNode(
    string Name,
    string Type,
    bool Required,
    UiText? Label,
    string? Autocomplete,
    string? Pattern,
    IReadOnlyList<JsonNode?>? Options,
    JsonNode? Value);

/// <summary>
/// Lists the inputs a form needs for an identity schema: one per leaf property (strings, numbers,
/// booleans and arrays of those), in the order the schema declares them. Objects are flattened into
/// dotted names; arrays of objects are left out as they cannot be a single input.
/// </summary>
public static class TraitsNodeBuilder
{
    private const int MaxDepth = 64;
    private const int MaxOptions = 500;

    /// <param name="schema">The identity schema.</param>
    /// <param name="values">The current traits (not wrapped in a <c>traits</c> object), or null.</param>
    public static IReadOnlyList<TraitNode> Build(IdentitySchema schema, JsonNode? values)
    {
        var nodes = new List<TraitNode>();
        var seen = new Dictionary<string, int>();
        var document = new JsonObject { ["traits"] = values?.DeepClone() };
        Walk(schema.Document, schema.Document, null, [], document, nodes, seen, 0);
        return nodes;
    }

    private static void Walk(JsonObject root, JsonNode? node, JsonArray? parentRequired, List<string> path,
        JsonObject values, List<TraitNode> nodes, Dictionary<string, int> seen, int depth)
    {
        if (node is not JsonObject schema || depth > MaxDepth)
        {
            return;
        }

        if (path.Count > 0 && LeafType(schema) is { } kind)
        {
            var name = string.Join('.', path);
            var input = CreateNode(schema, kind, name, path[^1], parentRequired, values);
            // A property described in several places (e.g. in allOf and in properties) is one input;
            // like the reference server, the description found last wins.
            if (seen.TryGetValue(name, out var index))
            {
                nodes[index] = input;
            }
            else
            {
                seen[name] = nodes.Count;
                nodes.Add(input);
            }
        }

        if (schema["$ref"] is JsonValue r && r.TryGetValue<string>(out var reference)
            && KratosExtension.ResolveLocal(root, reference) is JsonObject target)
        {
            Walk(root, target, parentRequired, path, values, nodes, seen, depth + 1);
        }

        foreach (var key in new[] { "not", "if", "then", "else" })
        {
            Walk(root, schema[key], schema["required"] as JsonArray ?? parentRequired, path, values, nodes, seen, depth + 1);
        }
        foreach (var key in new[] { "allOf", "anyOf", "oneOf" })
        {
            if (schema[key] is JsonArray parts)
            {
                foreach (var part in parts)
                {
                    Walk(root, part, parentRequired, path, values, nodes, seen, depth + 1);
                }
            }
        }

        if (schema["properties"] is JsonObject properties)
        {
            var required = schema["required"] as JsonArray;
            foreach (var (name, sub) in properties)
            {
                Walk(root, sub, required, [.. path, name], values, nodes, seen, depth + 1);
            }
        }
    }

    /// <summary>The JSON type of a leaf property, or null for objects, arrays of objects and mixed types.</summary>
    private static string? LeafType(JsonObject schema)
    {
        if (schema.TryGetPropertyValue("const", out var constant))
        {
            return constant?.GetValueKind() switch
            {
                JsonValueKind.Number => "number",
                JsonValueKind.String => "string",
                JsonValueKind.True or JsonValueKind.False => "boolean",
                _ => null,
            };
        }

        var type = schema["type"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonArray { Count: 1 } a when a[0] is JsonValue v && v.TryGetValue<string>(out var s) => s,
            _ => null,
        };
        return type switch
        {
            "string" or "number" or "integer" or "boolean" => type,
            "array" when ItemsArePrimitive(schema) => "array",
            _ => null,
        };
    }

    private static bool ItemsArePrimitive(JsonObject schema) =>
        schema["items"] is JsonObject items && items["type"] is JsonValue t && t.TryGetValue<string>(out var s)
        && s is "string" or "number" or "integer" or "boolean";

    private static TraitNode CreateNode(JsonObject schema, string kind, string name, string propertyName,
        JsonArray? parentRequired, JsonObject values)
    {
        var inputType = name == "password" ? "password" : kind switch
        {
            "number" or "integer" => "number",
            "boolean" => "checkbox",
            _ => "text",
        };
        string? autocomplete = null;
        switch (Text(schema, "format"))
        {
            case "date-time":
                inputType = "datetime-local";
                break;
            case "email":
                inputType = "email";
                autocomplete = "email";
                break;
            case "tel":
                inputType = "tel";
                autocomplete = "tel";
                break;
            case "date":
                inputType = "date";
                break;
            case "uri":
                inputType = "url";
                autocomplete = "url";
                break;
        }

        var required = parentRequired?.Any(r => r is JsonValue v && v.TryGetValue<string>(out var s) && s == propertyName) ?? false;
        var title = Text(schema, "title");
        var options = schema["enum"] is JsonArray values1 && values1.Count > 0
            ? values1.Take(MaxOptions).Select(v => v?.DeepClone()).ToList()
            : null;

        return new TraitNode(
            name,
            inputType,
            required,
            string.IsNullOrEmpty(title) ? null : Messages.NodeLabelGenerated(title, name),
            autocomplete,
            Text(schema, "pattern"),
            options,
            ValueAt(values, name.Split('.'))?.DeepClone());
    }

    private static JsonNode? ValueAt(JsonObject values, string[] path)
    {
        JsonNode? current = values;
        foreach (var segment in path)
        {
            current = current is JsonObject o ? o[segment] : null;
        }
        return current;
    }

    private static string? Text(JsonObject schema, string key) =>
        schema[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
