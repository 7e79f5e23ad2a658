using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IdentityServer.Config;

/// <summary>Reads a JSON configuration file into a tree, remembering the line and column of every key.</summary>
internal sealed class JsonTreeReader
{
    private readonly string _file;
    private readonly byte[] _bytes;
    private readonly List<int> _lineStarts = [0];
    private readonly SourceMap _locations = new();
    private readonly List<ConfigProblem> _problems = [];

    private JsonTreeReader(string text, string file)
    {
        _file = file;
        _bytes = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < _bytes.Length; i++)
        {
            if (_bytes[i] == (byte)'\n') _lineStarts.Add(i + 1);
        }
    }

    public static ParsedConfigFile Read(string text, string file)
    {
        var reader = new JsonTreeReader(text, file);
        try
        {
            var root = reader.ReadDocument();
            return new ParsedConfigFile { File = file, Root = root, Locations = reader._locations, Problems = reader._problems };
        }
        catch (JsonException error)
        {
            var line = (int)(error.LineNumber ?? 0) + 1;
            var column = (int)(error.BytePositionInLine ?? 0) + 1;
            // The reader's messages end with advice about its own options and a position; keep the first sentence.
            var message = error.Message;
            var cut = message.IndexOf(". ", StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
            return ParsedConfigFile.Failed(file, new ConfigProblem { File = file, Line = line, Column = column, Message = "invalid JSON: " + message.TrimEnd('.', ' ') });
        }
    }

    private JsonObject? ReadDocument()
    {
        var options = new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip };
        var reader = new Utf8JsonReader(_bytes, options);
        if (!reader.Read()) return new JsonObject();
        _locations.Set("", Location(reader.TokenStartIndex));
        var startIndex = reader.TokenStartIndex;
        var root = ReadValue(ref reader, "");
        if (reader.Read()) throw new JsonException("unexpected content after the top-level value", null, LineOf(reader.TokenStartIndex) - 1, 0);
        if (root is JsonObject obj) return obj;

        var at = Location(startIndex);
        _problems.Add(new ConfigProblem
        {
            File = _file,
            Line = at.Line,
            Column = at.Column,
            Message = "the file must hold an object at the top level, but it holds " + JsonDescriptions.Describe(root),
        });
        return null;
    }

    private JsonNode? ReadValue(ref Utf8JsonReader reader, string path)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JsonObject();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.GetString()!;
                    var childPath = KeyPath.Child(path, key);
                    var keyLocation = Location(reader.TokenStartIndex);
                    if (obj.ContainsKey(key))
                    {
                        _problems.Add(new ConfigProblem { File = _file, Line = keyLocation.Line, Column = keyLocation.Column, KeyPath = childPath, Message = $"key \"{key}\" appears twice in the same object", Hint = "remove one of them" });
                    }
                    _locations.Set(childPath, keyLocation);
                    reader.Read();
                    obj[key] = ReadValue(ref reader, childPath);
                }
                return obj;
            case JsonTokenType.StartArray:
                var array = new JsonArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var itemPath = KeyPath.Item(path, array.Count);
                    _locations.Set(itemPath, Location(reader.TokenStartIndex));
                    array.Add(ReadValue(ref reader, itemPath));
                }
                return array;
            case JsonTokenType.String:
                return JsonValue.Create(reader.GetString());
            case JsonTokenType.Number:
                return reader.TryGetInt64(out var whole) ? JsonValue.Create(whole) : JsonValue.Create(reader.GetDouble());
            case JsonTokenType.True:
                return JsonValue.Create(true);
            case JsonTokenType.False:
                return JsonValue.Create(false);
            default:
                return null;
        }
    }

    private int LineOf(long offset)
    {
        var index = _lineStarts.BinarySearch((int)offset);
        return index >= 0 ? index + 1 : ~index;
    }

    private SourceLocation Location(long offset)
    {
        var line = LineOf(offset);
        return new SourceLocation(_file, line, (int)offset - _lineStarts[line - 1] + 1);
    }
}
