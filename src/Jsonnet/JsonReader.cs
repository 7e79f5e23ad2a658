using System.Text.Json;

namespace Jsonnet;

/// <summary>std.parseJson on top of System.Text.Json.</summary>
internal static class JsonReader
{
    public static Value Parse(string text, SourceSpan? site)
    {
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 100000 });
            return Convert(doc.RootElement);
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
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 400 });
        try
        {
            if (!reader.Read()) return false;
            var result = ReadValue(ref reader);
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

    /// <summary>Reads one JSON value; null when it is not plain JSON that Jsonnet would read the same way (duplicate keys).</summary>
    private static Value? ReadValue(ref Utf8JsonReader reader)
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
                    var item = ReadValue(ref reader);
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
                    var item = ReadValue(ref reader);
                    if (item == null || !dict.TryAdd(name, FieldDef.Constant(name, item))) return null;
                }
                return new JObject(ObjectLayer.FromValues(dict));
            }
        }
        return null;
    }

    public static Value Convert(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Null: return JNull.Instance;
            case JsonValueKind.True: return JBool.True;
            case JsonValueKind.False: return JBool.False;
            case JsonValueKind.Number:
                if (e.TryGetInt64(out long whole)) return JNumber.Of(whole);
                double d = e.GetDouble();
                return double.IsFinite(d) ? JNumber.Of(d) : throw new JsonException("number overflow");
            case JsonValueKind.String: return new JString(e.GetString()!);
            case JsonValueKind.Array:
            {
                var items = new Thunk[e.GetArrayLength()];
                int i = 0;
                foreach (var item in e.EnumerateArray()) items[i++] = Convert(item);
                return new JArray(items);
            }
            default:
            {
                var dict = new Dictionary<string, FieldDef>();
                foreach (var p in e.EnumerateObject()) dict[p.Name] = FieldDef.Constant(p.Name, Convert(p.Value));
                return new JObject(ObjectLayer.FromValues(dict));
            }
        }
    }
}

