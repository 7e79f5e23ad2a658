using System.Text.Json.Nodes;
using IdentityServer.Errors;

namespace IdentityServer.Identities;

/// <summary>RFC 6902 JSON Patch over a JSON document (add, remove, replace, move, copy, test).</summary>
public static class JsonPatch
{
    public sealed record Operation(string Op, string Path, string? From, JsonNode? Value, bool HasValue);

    public static List<Operation> Parse(JsonNode? body)
    {
        if (body is not JsonArray array)
            throw KratosError.BadRequest("A JSON Patch body must be an array of operations.");
        var result = new List<Operation>();
        foreach (var item in array)
        {
            if (item is not JsonObject o)
                throw KratosError.BadRequest("Each JSON Patch operation must be an object with op and path.");
            var op = Text(o, "op") ?? throw KratosError.BadRequest("A JSON Patch operation has no op.");
            var path = Text(o, "path") ?? throw KratosError.BadRequest("A JSON Patch operation has no path.");
            if (op is not ("add" or "remove" or "replace" or "move" or "copy" or "test"))
                throw KratosError.BadRequest($"The JSON Patch op \"{op}\" is unknown; use add, remove, replace, move, copy or test.");
            var from = Text(o, "from");
            if (op is "move" or "copy" && from is null)
                throw KratosError.BadRequest($"The JSON Patch op \"{op}\" needs from.");
            if (op is "add" or "replace" or "test" && !o.ContainsKey("value"))
                throw KratosError.BadRequest($"The JSON Patch op \"{op}\" needs value.");
            result.Add(new Operation(op, path, from, o["value"]?.DeepClone(), o.ContainsKey("value")));
        }
        return result;
    }

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : o[name] is null ? null
            : throw KratosError.BadRequest($"The JSON Patch field {name} must be a string.");

    public static JsonNode Apply(JsonNode document, IEnumerable<Operation> operations)
    {
        var root = document.DeepClone();
        foreach (var op in operations)
        {
            switch (op.Op)
            {
                case "add": root = Add(root, op.Path, op.Value?.DeepClone()); break;
                case "remove": Remove(root, op.Path); break;
                case "replace":
                    Remove(root, op.Path);
                    root = Add(root, op.Path, op.Value?.DeepClone());
                    break;
                case "move":
                {
                    var value = Get(root, op.From!)?.DeepClone();
                    Remove(root, op.From!);
                    root = Add(root, op.Path, value);
                    break;
                }
                case "copy": root = Add(root, op.Path, Get(root, op.From!)?.DeepClone()); break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(root, op.Path), op.Value))
                        throw KratosError.BadRequest($"The JSON Patch test at {op.Path} failed.");
                    break;
            }
        }
        return root;
    }

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw KratosError.BadRequest($"\"{pointer}\" is not a JSON pointer; it must start with /.");
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
                _ => throw KratosError.BadRequest($"The JSON Patch path {pointer} does not exist."),
            };
        }
        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode root, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0) throw KratosError.BadRequest("A JSON Patch cannot replace the whole document.");
        var parentPointer = pointer[..pointer.LastIndexOf('/')];
        return (Get(root, parentPointer) ?? throw KratosError.BadRequest($"The JSON Patch path {pointer} has no parent."), tokens[^1]);
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
                throw KratosError.BadRequest($"The JSON Patch path {pointer} does not exist.");
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
                throw KratosError.BadRequest($"The JSON Patch path {pointer} does not exist.");
        }
        return root;
    }
}
