using System.Text.Json.Nodes;

namespace IdentityServer.Config;

/// <summary>
/// Merges configuration trees in order: later values win, objects merge key by key, and anything else
/// (lists included) is replaced as a whole. Key positions follow the value that won.
/// </summary>
internal static class ConfigMerger
{
    public static void MergeInto(JsonObject target, SourceMap targetLocations, JsonObject source, SourceMap sourceLocations, string path = "")
    {
        foreach (var (key, value) in source)
        {
            var childPath = KeyPath.Child(path, key);
            if (target[key] is JsonObject targetChild && value is JsonObject sourceChild)
            {
                if (sourceLocations.TryGet(childPath, out var location)) targetLocations.Set(childPath, location);
                MergeInto(targetChild, targetLocations, sourceChild, sourceLocations, childPath);
                continue;
            }
            target[key] = value?.DeepClone();
            targetLocations.RemoveSubtree(childPath);
            targetLocations.CopySubtree(sourceLocations, childPath);
        }
    }
}
