namespace IdentityServer.Config;

/// <summary>Where a key path was written: a file position or an environment variable.</summary>
public sealed record SourceLocation(string? File, int Line, int Column, string? EnvironmentVariable = null)
{
    public static SourceLocation FromEnvironment(string variable) => new(null, 0, 0, variable);
}

/// <summary>
/// Remembers, for each key path of a configuration tree, where it was written,
/// so that problems found later can point at a file, line and column.
/// </summary>
public sealed class SourceMap
{
    private readonly Dictionary<string, SourceLocation> _locations = new(StringComparer.Ordinal);

    public IEnumerable<KeyValuePair<string, SourceLocation>> Entries => _locations;

    public void Set(string path, SourceLocation location) => _locations[path] = location;

    public bool TryGet(string path, out SourceLocation location) => _locations.TryGetValue(path, out location!);

    /// <summary>Finds the location of the path or, failing that, of its nearest recorded parent.</summary>
    public SourceLocation? Find(string path)
    {
        var current = path;
        while (true)
        {
            if (_locations.TryGetValue(current, out var location)) return location;
            if (current.Length == 0) return null;
            current = KeyPath.Parent(current);
        }
    }

    /// <summary>Drops the path and everything under it.</summary>
    public void RemoveSubtree(string path)
    {
        var doomed = _locations.Keys.Where(key => KeyPath.IsSameOrUnder(key, path)).ToList();
        foreach (var key in doomed) _locations.Remove(key);
    }

    /// <summary>Copies every entry at or under <paramref name="path"/> from another map.</summary>
    public void CopySubtree(SourceMap other, string path)
    {
        foreach (var (key, location) in other._locations)
        {
            if (KeyPath.IsSameOrUnder(key, path)) _locations[key] = location;
        }
    }
}

/// <summary>Helpers for key paths written like <c>selfservice.flows.login.after.hooks[0].hook</c>.</summary>
public static class KeyPath
{
    public static string Child(string parent, string key) => parent.Length == 0 ? key : parent + "." + key;

    public static string Item(string parent, int index) => parent + "[" + index + "]";

    public static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }

    public static bool IsSameOrUnder(string candidate, string path)
    {
        if (path.Length == 0) return true;
        if (!candidate.StartsWith(path, StringComparison.Ordinal)) return false;
        return candidate.Length == path.Length || candidate[path.Length] is '.' or '[';
    }
}
