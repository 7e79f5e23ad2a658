using System.Text.Json.Nodes;
using IdentityServer.Errors;

namespace IdentityServer.Identities;

/// <summary>
/// JSON Patch (RFC 6902) as Kratos applies it to identities: only add, remove and replace (copy and move
/// can multiply a document with every operation), replace of an object member that does not exist adds it,
/// and the patched document may not grow past <see cref="MaxDocumentBytes"/>.
/// </summary>
public static class JsonPatch
{
    public const int MaxDocumentBytes = 1024 * 1024;

    public sealed record Operation(string Op, string Path, JsonNode? Value);

    public static List<Operation> Parse(JsonNode? body)
    {
        if (body is not JsonArray array)
            throw Failed("a JSON Patch body must be an array of operations");
        var result = new List<Operation>();
        foreach (var item in array)
        {
            if (item is not JsonObject o)
                throw Failed("each JSON Patch operation must be an object with op and path");
            var op = Text(o, "op") ?? throw Failed("a JSON Patch operation has no op");
            var path = Text(o, "path") ?? throw Failed("a JSON Patch operation has no path");
            if (op is not ("add" or "remove" or "replace"))
                throw Failed($"unsupported operation: {op}");
            if (op is "add" or "replace" && !o.ContainsKey("value"))
                throw Failed($"the JSON Patch op \"{op}\" needs a value");
            result.Add(new Operation(op, path, o["value"]?.DeepClone()));
        }
        return result;
    }

    /// <summary>Kratos's answer to a patch it cannot apply: 400, reason "failed to apply JSON patch".</summary>
    public static KratosError Failed(string why) => new(400, why, reason: "failed to apply JSON patch");

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : o[name] is null ? null
            : throw Failed($"the JSON Patch field {name} must be a string");

    public static JsonNode Apply(JsonNode document, IEnumerable<Operation> operations)
    {
        var root = document.DeepClone();
        foreach (var op in operations)
        {
            switch (op.Op)
            {
                case "add": root = Add(root, op.Path, op.Value?.DeepClone()); break;
                case "remove": Remove(root, op.Path); break;
                case "replace" when IsElementAccess(op.Path):
                    Remove(root, op.Path);
                    root = Add(root, op.Path, op.Value?.DeepClone());
                    break;
                case "replace": root = Add(root, op.Path, op.Value?.DeepClone()); break;
            }
        }
        if (System.Text.Encoding.UTF8.GetByteCount(root.ToJsonString()) > MaxDocumentBytes)
            throw Failed($"the patched identity is larger than {MaxDocumentBytes} bytes");
        return root;
    }

    private static bool IsElementAccess(string pointer)
    {
        var last = pointer[(pointer.LastIndexOf('/') + 1)..];
        return pointer.Length > 0 && (last == "-" || int.TryParse(last, out _));
    }

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw Failed($"\"{pointer}\" is not a JSON pointer; it must start with /.");
        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();
    }

    private static JsonNode? Get(JsonNode root, string pointer)
    {
        JsonNode? node = root;
        foreach (var token in Tokens(pointer))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw Failed($"The JSON Patch path {pointer} does not exist."),
            };
        }
        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode root, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0) throw Failed("A JSON Patch cannot replace the whole document.");
        var parentPointer = pointer[..pointer.LastIndexOf('/')];
        return (Get(root, parentPointer) ?? throw Failed($"The JSON Patch path {pointer} has no parent."), tokens[^1]);
    }

    private static JsonNode Add(JsonNode root, string pointer, JsonNode? value)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw Failed($"The JSON Patch path {pointer} does not exist.");
        }
        return root;
    }

    private static JsonNode Remove(JsonNode root, string pointer)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                a.RemoveAt(i);
                break;
            default:
                throw Failed($"The JSON Patch path {pointer} does not exist.");
        }
        return root;
    }
}
