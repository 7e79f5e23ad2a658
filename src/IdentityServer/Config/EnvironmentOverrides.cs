using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace IdentityServer.Config;

/// <summary>An environment variable that sets a configuration key.</summary>
public sealed record EnvironmentOverride(string Variable, string KeyPath, JsonNode? Value);

/// <summary>
/// Kratos's environment convention: a key path upper-cased with its segments joined by underscores
/// (serve.public.base_url is SERVE_PUBLIC_BASE_URL), and list items addressed by their index
/// (SELFSERVICE_METHODS_OIDC_CONFIG_PROVIDERS_0_CLIENT_SECRET). Keys contain underscores themselves,
/// so a name is only understood by comparing it with the key paths the schema knows; other variables
/// are ignored.
/// </summary>
public sealed class EnvironmentOverrides
{
    // These are command-line switches in Kratos that share the configuration tree; taking them from the
    // environment would turn unrelated variables such as CONFIG or HELP into configuration.
    private static readonly HashSet<string> NotFromEnvironment = ["config", "help"];

    private static readonly ConditionalWeakTable<ConfigSchema, EnvironmentOverrides> Cache = new();

    private readonly ConfigSchema _schema;
    private readonly Dictionary<string, string> _pathByVariable = new(StringComparer.Ordinal);
    private readonly List<(Regex Pattern, string Path)> _indexedPaths = [];

    public EnvironmentOverrides(ConfigSchema schema)
    {
        _schema = schema;
        foreach (var path in schema.KnownPaths.Keys.Order(StringComparer.Ordinal))
        {
            if (NotFromEnvironment.Contains(path)) continue;
            if (!path.Contains("[]", StringComparison.Ordinal))
            {
                _pathByVariable.TryAdd(VariableFor(path), path);
                continue;
            }
            _indexedPaths.Add((IndexedPattern(path), path));
        }
    }

    // identity.schemas[].url matches IDENTITY_SCHEMAS_<n>_URL.
    private static Regex IndexedPattern(string path)
    {
        var parts = path.Split("[]");
        var pattern = Regex.Escape(VariableFor(parts[0]));
        foreach (var rest in parts.Skip(1))
        {
            pattern += @"_(\d+)";
            if (rest.Length > 0) pattern += "_" + Regex.Escape(VariableFor(rest.TrimStart('.')));
        }
        return new Regex("^" + pattern + "$", RegexOptions.CultureInvariant);
    }

    /// <summary>The mapping for a schema, built once.</summary>
    public static EnvironmentOverrides For(ConfigSchema schema) => Cache.GetValue(schema, key => new EnvironmentOverrides(key));

    public static string VariableFor(string keyPath) =>
        keyPath.ToUpperInvariant().Replace('.', '_').Replace('-', '_');

    /// <summary>The key path a variable sets, with list indexes filled in, or null.</summary>
    public string? KeyPathFor(string variable)
    {
        if (_pathByVariable.TryGetValue(variable, out var path)) return path;
        foreach (var (pattern, template) in _indexedPaths)
        {
            var match = pattern.Match(variable);
            if (!match.Success) continue;
            var index = 1;
            return Regex.Replace(template, @"\[\]", _ => "[" + match.Groups[index++].Value + "]");
        }
        return null;
    }

    /// <summary>The overrides found in an environment, outer keys before inner ones so inner ones win.</summary>
    public IReadOnlyList<EnvironmentOverride> Find(IReadOnlyDictionary<string, string> environment)
    {
        var found = new List<EnvironmentOverride>();
        foreach (var (variable, raw) in environment)
        {
            if (KeyPathFor(variable) is not { } path) continue;
            var schema = _schema.KnownPaths[Regex.Replace(path, @"\[\d+\]", "[]")];
            found.Add(new EnvironmentOverride(variable, path, ParseValue(raw, _schema.TypeOf(schema), ItemType(schema))));
        }
        return found
            .OrderBy(item => item.KeyPath.Count(c => c is '.' or '['))
            .ThenBy(item => item.KeyPath, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Reads a variable's text as the type the schema expects. A list of strings may also be written
    /// comma-separated. Text that does not fit stays a string, so the schema check reports it with the
    /// variable's name.
    /// </summary>
    public static JsonNode? ParseValue(string raw, string? type, string? itemType = null)
    {
        switch (type)
        {
            case "string":
                return JsonValue.Create(raw);
            case "integer" when long.TryParse(raw.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole):
                return JsonValue.Create(whole);
            case "number" when double.TryParse(raw.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number):
                return JsonValue.Create(number);
            case "boolean" when bool.TryParse(raw.Trim(), out var flag):
                return JsonValue.Create(flag);
            case "array" or "object" or null:
                var parsed = TryParseJson(raw);
                if (type is null && parsed is not null) return parsed;
                if ((type == "array" && parsed is JsonArray) || (type == "object" && parsed is JsonObject)) return parsed;
                if (type == "array" && itemType == "string")
                {
                    return new JsonArray(raw.Split(',').Select(item => (JsonNode?)JsonValue.Create(item)).ToArray());
                }
                return JsonValue.Create(raw);
            default:
                return JsonValue.Create(raw);
        }
    }

    public static void Apply(JsonObject root, SourceMap locations, EnvironmentOverride item)
    {
        var steps = Steps(item.KeyPath);
        JsonNode container = root;
        var path = "";
        for (var i = 0; i < steps.Count; i++)
        {
            var (key, index) = steps[i];
            path = key is not null ? KeyPath.Child(path, key) : KeyPath.Item(path, index);
            var isLast = i == steps.Count - 1;
            JsonNode? value = isLast ? item.Value?.DeepClone() : null;
            var existing = Get(container, key, index);
            if (!isLast && existing is not null && IsRightContainer(existing, steps[i + 1]))
            {
                container = existing;
                continue;
            }
            if (!isLast) value = steps[i + 1].Key is not null ? new JsonObject() : new JsonArray();
            Set(container, key, index, value);
            locations.RemoveSubtree(path);
            locations.Set(path, SourceLocation.FromEnvironment(item.Variable));
            if (!isLast) container = value!;
        }
    }

    private static List<(string? Key, int Index)> Steps(string keyPath)
    {
        var steps = new List<(string? Key, int Index)>();
        foreach (Match part in Regex.Matches(keyPath, @"([^.\[\]]+)|\[(\d+)\]"))
        {
            steps.Add(part.Groups[1].Success ? (part.Groups[1].Value, -1) : (null, int.Parse(part.Groups[2].Value, CultureInfo.InvariantCulture)));
        }
        return steps;
    }

    private static bool IsRightContainer(JsonNode node, (string? Key, int Index) next) =>
        next.Key is not null ? node is JsonObject : node is JsonArray;

    private static JsonNode? Get(JsonNode container, string? key, int index) => container switch
    {
        JsonObject obj when key is not null => obj[key],
        JsonArray array when key is null && index < array.Count => array[index],
        _ => null,
    };

    private static void Set(JsonNode container, string? key, int index, JsonNode? value)
    {
        if (container is JsonObject obj && key is not null)
        {
            obj[key] = value;
            return;
        }
        var array = (JsonArray)container;
        // Like Kratos, an index past the end pads the list; the schema check reports incomplete items.
        while (array.Count <= index) array.Add(null);
        array[index] = value;
    }

    private string? ItemType(JsonObject schema) =>
        _schema.Resolve(schema)["items"] is JsonObject items ? _schema.TypeOf(items) : null;

    private static JsonNode? TryParseJson(string raw)
    {
        try
        {
            return JsonNode.Parse(raw);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
