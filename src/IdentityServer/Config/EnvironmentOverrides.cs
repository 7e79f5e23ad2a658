using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IdentityServer.Config;

/// <summary>An environment variable that sets a configuration key.</summary>
public sealed record EnvironmentOverride(string Variable, string KeyPath, JsonNode? Value);

/// <summary>
/// Kratos's environment convention: a key path upper-cased with its segments joined by underscores
/// (serve.public.base_url is SERVE_PUBLIC_BASE_URL). Keys contain underscores themselves, so a name is
/// only understood by comparing it with the key paths the schema knows; other variables are ignored.
/// </summary>
public sealed class EnvironmentOverrides
{
    // These are command-line switches in Kratos that share the configuration tree; taking them from the
    // environment would turn unrelated variables such as CONFIG or HELP into configuration.
    private static readonly HashSet<string> NotFromEnvironment = ["config", "help"];

    private readonly ConfigSchema _schema;
    private readonly Dictionary<string, string> _pathByVariable = new(StringComparer.Ordinal);

    public EnvironmentOverrides(ConfigSchema schema)
    {
        _schema = schema;
        foreach (var path in schema.KnownPaths.Keys.Order(StringComparer.Ordinal))
        {
            if (path.Contains("[]", StringComparison.Ordinal) || NotFromEnvironment.Contains(path)) continue;
            _pathByVariable.TryAdd(VariableFor(path), path);
        }
    }

    public static string VariableFor(string keyPath) =>
        keyPath.ToUpperInvariant().Replace('.', '_').Replace('-', '_');

    public string? KeyPathFor(string variable) => _pathByVariable.GetValueOrDefault(variable);

    /// <summary>The overrides found in an environment, outer keys before inner ones so inner ones win.</summary>
    public IReadOnlyList<EnvironmentOverride> Find(IReadOnlyDictionary<string, string> environment)
    {
        var found = new List<EnvironmentOverride>();
        foreach (var (variable, raw) in environment)
        {
            if (!_pathByVariable.TryGetValue(variable, out var path)) continue;
            found.Add(new EnvironmentOverride(variable, path, ParseValue(raw, _schema.TypeOf(_schema.KnownPaths[path]))));
        }
        return found.OrderBy(item => item.KeyPath.Count(c => c == '.')).ThenBy(item => item.KeyPath, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Reads a variable's text as the type the schema expects. Text that does not fit stays a string,
    /// so the schema check reports it with the variable's name.
    /// </summary>
    public static JsonNode? ParseValue(string raw, string? type)
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
                try
                {
                    var parsed = JsonNode.Parse(raw);
                    if (type is null || (type == "array" && parsed is JsonArray) || (type == "object" && parsed is JsonObject)) return parsed;
                }
                catch (JsonException)
                {
                }
                return JsonValue.Create(raw);
            default:
                return JsonValue.Create(raw);
        }
    }

    public static void Apply(JsonObject root, SourceMap locations, EnvironmentOverride item)
    {
        var segments = item.KeyPath.Split('.');
        var current = root;
        var path = "";
        for (var i = 0; i < segments.Length - 1; i++)
        {
            path = KeyPath.Child(path, segments[i]);
            if (current[segments[i]] is not JsonObject next)
            {
                next = new JsonObject();
                current[segments[i]] = next;
                locations.RemoveSubtree(path);
                locations.Set(path, SourceLocation.FromEnvironment(item.Variable));
            }
            current = next;
        }
        current[segments[^1]] = item.Value?.DeepClone();
        locations.RemoveSubtree(item.KeyPath);
        locations.Set(item.KeyPath, SourceLocation.FromEnvironment(item.Variable));
    }
}
