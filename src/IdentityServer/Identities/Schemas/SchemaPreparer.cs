using System.Text.Json.Nodes;

namespace IdentityServer.Identities.Schemas;

/// <summary>
/// Rewrites a schema into an equivalent one that the NJsonSchema validator fully understands:
/// <c>const</c> becomes a one-value <c>enum</c>, <c>if/then/else</c> becomes an <c>anyOf</c> of the
/// two cases, <c>dependencies</c>/<c>dependentRequired</c>/<c>dependentSchemas</c> and <c>contains</c>
/// become combinations of <c>anyOf</c>, <c>not</c> and <c>required</c>, and 2020-12 <c>prefixItems</c>
/// becomes tuple <c>items</c>. Markers let the error
/// translation report these keywords under their own message ids.
/// </summary>
internal static class SchemaPreparer
{
    public const string ConstMarker = "x-identity-const";
    public const string ConditionalMarker = "x-identity-conditional";
    public const string DependencyMarker = "x-identity-dependency";
    public const string ContainsMarker = "x-identity-contains";

    private static readonly string[] SchemaMaps = ["properties", "patternProperties", "definitions", "$defs", "dependentSchemas"];
    private static readonly string[] SchemaLists = ["allOf", "anyOf", "oneOf", "prefixItems"];
    private static readonly string[] SingleSchemas =
        ["additionalProperties", "additionalItems", "not", "if", "then", "else", "contains", "propertyNames", "items"];

    public static JsonObject Prepare(JsonObject schema)
    {
        var copy = (JsonObject)schema.DeepClone();
        Rewrite(copy);
        return copy;
    }

    private static void Rewrite(JsonObject schema)
    {
        foreach (var key in SchemaMaps)
        {
            if (schema[key] is JsonObject map)
            {
                foreach (var (_, sub) in map)
                {
                    RewriteNode(sub);
                }
            }
        }
        foreach (var key in SchemaLists)
        {
            if (schema[key] is JsonArray list)
            {
                foreach (var sub in list)
                {
                    RewriteNode(sub);
                }
            }
        }
        foreach (var key in SingleSchemas)
        {
            if (schema[key] is JsonArray tuple)
            {
                foreach (var sub in tuple)
                {
                    RewriteNode(sub);
                }
            }
            else
            {
                RewriteNode(schema[key]);
            }
        }

        RewriteConst(schema);
        RewriteConditional(schema);
        RewriteDependencies(schema, "dependencies");
        RewriteDependencies(schema, "dependentRequired");
        RewriteDependencies(schema, "dependentSchemas");
        RewriteContains(schema);
        RewritePrefixItems(schema);
    }

    /// <summary>Each dependency becomes: (property absent) OR (required properties / schema holds).</summary>
    private static void RewriteDependencies(JsonObject schema, string keyword)
    {
        if (schema[keyword] is not JsonObject dependencies)
        {
            return;
        }
        schema.Remove(keyword);
        foreach (var (property, dependency) in dependencies)
        {
            var whenPresent = dependency is JsonArray names
                ? new JsonObject { ["required"] = names.DeepClone() }
                : AsSchema(dependency);
            AddToAllOf(schema, new JsonObject
            {
                ["anyOf"] = new JsonArray(
                    new JsonObject { ["not"] = new JsonObject { ["required"] = new JsonArray(property) } },
                    whenPresent),
                [DependencyMarker] = property,
            });
        }
    }

    /// <summary><c>contains: S</c> holds unless the value is an array none of whose items matches S.</summary>
    private static void RewriteContains(JsonObject schema)
    {
        if (!schema.TryGetPropertyValue("contains", out var contains))
        {
            return;
        }
        schema.Remove("contains");
        AddToAllOf(schema, new JsonObject
        {
            ["not"] = new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject { ["not"] = AsSchema(contains) },
            },
            [ContainsMarker] = true,
        });
    }

    private static void RewriteNode(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            Rewrite(obj);
        }
    }

    private static void RewriteConst(JsonObject schema)
    {
        if (!schema.TryGetPropertyValue("const", out var constant))
        {
            return;
        }
        schema.Remove("const");
        AddToAllOf(schema, new JsonObject
        {
            ["enum"] = new JsonArray(constant?.DeepClone()),
            [ConstMarker] = true,
        });
    }

    private static void RewriteConditional(JsonObject schema)
    {
        if (!schema.TryGetPropertyValue("if", out var condition))
        {
            return;
        }
        schema.TryGetPropertyValue("then", out var then);
        schema.TryGetPropertyValue("else", out var otherwise);
        schema.Remove("if");
        schema.Remove("then");
        schema.Remove("else");
        if (then is null && otherwise is null)
        {
            return;
        }

        // (if AND then) OR (NOT if AND else)
        AddToAllOf(schema, new JsonObject
        {
            ["anyOf"] = new JsonArray(
                new JsonObject { ["allOf"] = new JsonArray(AsSchema(condition), AsSchema(then)) },
                new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["not"] = AsSchema(condition) }, AsSchema(otherwise)) }),
            [ConditionalMarker] = true,
        });
    }

    private static void RewritePrefixItems(JsonObject schema)
    {
        if (schema["prefixItems"] is not JsonArray prefix)
        {
            return;
        }
        schema.Remove("prefixItems");
        if (schema.TryGetPropertyValue("items", out var rest) && rest is not null)
        {
            schema.Remove("items");
            schema["additionalItems"] = rest;
        }
        schema["items"] = prefix;
    }

    private static JsonNode AsSchema(JsonNode? node) => node switch
    {
        null => new JsonObject(),
        JsonValue value when value.TryGetValue<bool>(out var b) => b ? new JsonObject() : new JsonObject { ["not"] = new JsonObject() },
        _ => node.DeepClone(),
    };

    private static void AddToAllOf(JsonObject schema, JsonObject part)
    {
        if (schema["allOf"] is not JsonArray allOf)
        {
            allOf = [];
            schema["allOf"] = allOf;
        }
        allOf.Add(part);
    }
}
