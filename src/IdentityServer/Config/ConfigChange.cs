using System.Text.Json;
using System.Text.Json.Nodes;

namespace IdentityServer.Config;

/// <summary>A configuration reload that took effect.</summary>
public sealed record ConfigChange(KratosConfig Previous, KratosConfig Current, IReadOnlyList<string> ChangedKeys)
{
    // Listening sockets and the database connection are set up once at start.
    private static readonly string[] RestartOnly =
    [
        "dsn", "database",
        "serve.public.host", "serve.public.port", "serve.public.socket", "serve.public.tls",
        "serve.admin.host", "serve.admin.port", "serve.admin.socket", "serve.admin.tls",
    ];

    /// <summary>Changed keys that only take effect after the server restarts.</summary>
    public IReadOnlyList<string> KeysNeedingRestart =>
        ChangedKeys.Where(key => RestartOnly.Any(prefix => KeyPath.IsSameOrUnder(key, prefix))).ToList();
}

/// <summary>Lists the key paths whose values differ between two configuration trees.</summary>
public static class ConfigDiff
{
    public static IReadOnlyList<string> ChangedKeys(JsonObject before, JsonObject after)
    {
        var changed = new List<string>();
        Compare(before, after, "", changed);
        return changed;
    }

    private static void Compare(JsonNode? before, JsonNode? after, string path, List<string> changed)
    {
        if (before is JsonObject left && after is JsonObject right)
        {
            foreach (var key in left.Select(pair => pair.Key).Union(right.Select(pair => pair.Key)).Order(StringComparer.Ordinal))
            {
                var inLeft = left.TryGetPropertyValue(key, out var leftValue);
                var inRight = right.TryGetPropertyValue(key, out var rightValue);
                if (inLeft != inRight) changed.Add(KeyPath.Child(path, key));
                else Compare(leftValue, rightValue, KeyPath.Child(path, key), changed);
            }
            return;
        }
        // Lists are replaced as a whole when merging, so they are reported as a whole too.
        if (!JsonNode.DeepEquals(before, after)) changed.Add(path);
    }
}
