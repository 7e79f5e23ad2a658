using System.Text.Json.Nodes;

namespace IdentityServer.Config;

/// <summary>
/// The project's JSON Schema for the configuration (embedded in the assembly), with lookups that the
/// validator and the environment mapping need: reference resolution and every known key path.
/// </summary>
public sealed class ConfigSchema
{
    private const string ResourceName = "IdentityServer.Config.config.schema.json";
    private const int MaxDepth = 16;

    private static readonly Lazy<ConfigSchema> Embedded = new(LoadEmbedded);

    private readonly Dictionary<string, JsonObject> _pathSchemas = new(StringComparer.Ordinal);

    public ConfigSchema(JsonObject root)
    {
        Root = root;
        Materialize(root);
        CollectPaths(root, "", 0);
    }

    public static ConfigSchema Default => Embedded.Value;

    public JsonObject Root { get; }

    /// <summary>
    /// Every key path the schema names, with <c>[]</c> standing for any list index
    /// (e.g. <c>identity.schemas[]</c> and <c>identity.schemas[].url</c>), mapped to the schema of its value.
    /// </summary>
    public IReadOnlyDictionary<string, JsonObject> KnownPaths => _pathSchemas;

    public static string ReadEmbeddedText()
    {
        using var stream = typeof(ConfigSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("the configuration schema resource is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Follows <c>$ref</c> links until reaching a schema without one.</summary>
    public JsonObject Resolve(JsonObject schema)
    {
        var current = schema;
        for (var hops = 0; hops < MaxDepth && current["$ref"] is JsonValue reference; hops++)
        {
            current = Lookup(reference.GetValue<string>());
        }
        return current;
    }

    public JsonObject Lookup(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal)) throw new InvalidOperationException("only local schema references are supported: " + reference);
        JsonNode? node = Root;
        foreach (var part in reference[2..].Split('/')) node = node?[part];
        return node as JsonObject ?? throw new InvalidOperationException("schema reference not found: " + reference);
    }

    /// <summary>
    /// The properties a schema allows, including those brought in by <c>$ref</c>,
    /// <c>allOf</c> and conditional branches. The first definition of a name wins.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, JsonObject>> AllProperties(JsonObject schema)
    {
        var found = new List<KeyValuePair<string, JsonObject>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        AddProperties(schema, found, names, 0);
        return found;
    }

    /// <summary>The primary JSON type of a schema ("object", "string", ...), or null when unconstrained.</summary>
    public string? TypeOf(JsonObject schema)
    {
        var resolved = Resolve(schema);
        return resolved["type"] switch
        {
            JsonValue single => single.GetValue<string>(),
            JsonArray many => many.Select(item => item!.GetValue<string>()).FirstOrDefault(type => type != "null"),
            _ => schema["type"] is JsonValue own ? own.GetValue<string>() : null,
        };
    }

    private void AddProperties(JsonObject schema, List<KeyValuePair<string, JsonObject>> found, HashSet<string> names, int depth)
    {
        if (depth > MaxDepth) return;
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, sub) in properties)
            {
                if (sub is JsonObject subSchema && names.Add(name)) found.Add(new(name, subSchema));
            }
        }
        if (schema["$ref"] is JsonValue reference) AddProperties(Lookup(reference.GetValue<string>()), found, names, depth + 1);
        foreach (var keyword in new[] { "then", "else" })
        {
            if (schema[keyword] is JsonObject branch) AddProperties(branch, found, names, depth + 1);
        }
        if (schema["allOf"] is JsonArray all)
        {
            foreach (var part in all.OfType<JsonObject>()) AddProperties(part, found, names, depth + 1);
        }
    }

    private void CollectPaths(JsonObject schema, string path, int depth)
    {
        if (depth > MaxDepth) return;
        foreach (var (name, sub) in AllProperties(schema))
        {
            var childPath = KeyPath.Child(path, name);
            if (!_pathSchemas.TryAdd(childPath, sub)) continue;
            CollectPaths(sub, childPath, depth + 1);
        }
        var resolved = Resolve(schema);
        if ((resolved["items"] ?? schema["items"]) is JsonObject items && _pathSchemas.TryAdd(path + "[]", items))
        {
            CollectPaths(items, path + "[]", depth + 1);
        }
    }

    // A parsed JsonNode builds its children lazily on first access, which is not safe when several
    // threads validate at once; touching every node up front leaves only reads afterwards.
    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj) Materialize(child);
                break;
            case JsonArray array:
                foreach (var item in array) Materialize(item);
                break;
        }
    }

    private static ConfigSchema LoadEmbedded()
    {
        var root = JsonNode.Parse(ReadEmbeddedText()) as JsonObject
            ?? throw new InvalidOperationException("the configuration schema must be a JSON object");
        return new ConfigSchema(root);
    }
}
