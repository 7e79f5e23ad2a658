using System.Text.Json;

namespace Jsonnet;

/// <summary>std.parseJson on top of System.Text.Json.</summary>
internal static class JsonReader
{
    private const int MaxDepth = 500;

    public static Value Parse(string text, SourceSpan? site)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            if (!reader.Read()) throw new JsonException("empty input");
            var value = ReadValue(ref reader, true)!;
            if (reader.Read()) throw new JsonException("unexpected text after the JSON value");
            return value;
        }
        catch (JsonException e)
        {
            throw JsonnetException.Runtime($"failed to parse JSON: {e.Message}", site);
        }
    }

    public static bool TryParseDocument(string text, out Value value)
    {
        value = JNull.Instance;
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length == 0 || (trimmed[0] != '{' && trimmed[0] != '[' && trimmed[0] != '"')) return false;
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            if (!reader.Read()) return false;
            var result = ReadValue(ref reader, false);
            if (result == null || reader.Read()) return false;
            value = result;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static Value ReadNumber(ref Utf8JsonReader reader)
    {
        // Integers such as -0 read as plain integers, like the reference implementation does.
        if (reader.TryGetInt64(out long whole)) return JNumber.Of(whole);
        double d = reader.GetDouble();
        return double.IsFinite(d) ? JNumber.Of(d) : throw new JsonException("number overflow");
    }

    /// <summary>
    /// Reads one JSON value (nesting is bounded by the reader's MaxDepth). Without <paramref name="allowDuplicates"/>
    /// a repeated key gives null, as Jsonnet code with a repeated field would not evaluate.
    /// </summary>
    private static Value? ReadValue(ref Utf8JsonReader reader, bool allowDuplicates)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null: return JNull.Instance;
            case JsonTokenType.True: return JBool.True;
            case JsonTokenType.False: return JBool.False;
            case JsonTokenType.Number: return ReadNumber(ref reader);
            case JsonTokenType.String: return new JString(reader.GetString()!);
            case JsonTokenType.StartArray:
            {
                var items = new List<Thunk>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var item = ReadValue(ref reader, allowDuplicates);
                    if (item == null) return null;
                    items.Add(item);
                }
                return items.Count == 0 ? JArray.Empty : new JArray(items.ToArray());
            }
            case JsonTokenType.StartObject:
            {
                var dict = new Dictionary<string, FieldDef>();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    var item = ReadValue(ref reader, allowDuplicates);
                    if (item == null) return null;
                    if (allowDuplicates) dict[name] = FieldDef.Constant(name, item);
                    else if (!dict.TryAdd(name, FieldDef.Constant(name, item))) return null;
                }
                return new JObject(ObjectLayer.FromValues(dict));
            }
        }
        return null;
    }
}
