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

    public static Value Convert(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Null: return JNull.Instance;
            case JsonValueKind.True: return JBool.True;
            case JsonValueKind.False: return JBool.False;
            case JsonValueKind.Number: return JNumber.Of(e.GetDouble());
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

