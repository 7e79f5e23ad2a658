using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Errors;

namespace IdentityServer.Security;

/// <summary>A string in a request that the stores cannot keep: PostgreSQL refuses NUL in text and JSON.</summary>
public sealed class NulCharacterException(string field) : Exception($"The field `{field}` contains a NUL character.")
{
    /// <summary>The field in form notation (`traits.email`, `identifier`), empty for the body itself.</summary>
    public string Field { get; } = field;
}

/// <summary>
/// Reads JSON request bodies as Go's decoder reads them: bytes that are not UTF-8 and escaped UTF-16
/// surrogates without their pair become U+FFFD instead of failing later, deep in a handler. NUL characters
/// are refused, because neither PostgreSQL text nor jsonb can hold them.
/// </summary>
public static class RequestJson
{
    private static readonly UTF8Encoding Lenient = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static async Task<JsonNode?> ParseAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, ct);
        var text = Lenient.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        using var document = JsonDocument.Parse(ReplaceLoneSurrogates(text), new JsonDocumentOptions { MaxDepth = 64 });
        return Build(document.RootElement, "");
    }

    /// <summary>
    /// Copies a parsed document into nodes: of duplicated keys the last one counts, as in Go's decoder;
    /// a NUL in a key or text is refused.
    /// </summary>
    private static JsonNode? Build(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var o = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name.Contains('\0')) throw new NulCharacterException(path);
                    o[property.Name] = Build(property.Value, path.Length == 0 ? property.Name : path + "." + property.Name);
                }
                return o;
            case JsonValueKind.Array:
                var a = new JsonArray();
                foreach (var item in element.EnumerateArray()) a.Add(Build(item, path));
                return a;
            case JsonValueKind.String:
                var text = element.GetString()!;
                if (text.Contains('\0')) throw new NulCharacterException(path);
                return JsonValue.Create(text);
            case JsonValueKind.Null:
                return null;
            default:
                return JsonNode.Parse(element.GetRawText());
        }
    }

    /// <summary>Replaces `\uD800`-style escapes that do not form a surrogate pair with `\uFFFD`.</summary>
    public static string ReplaceLoneSurrogates(string json)
    {
        StringBuilder? fixedText = null;
        var copied = 0;
        for (var i = 0; i < json.Length - 1; i++)
        {
            if (json[i] != '\\') continue;
            if (json[i + 1] != 'u') { i++; continue; }
            if (!TryHex(json, i + 2, out var unit)) continue;
            if (char.IsHighSurrogate(unit) && TryLowAt(json, i + 6))
            {
                i += 11;
                continue;
            }
            if (char.IsSurrogate(unit))
            {
                fixedText ??= new StringBuilder(json.Length);
                fixedText.Append(json, copied, i - copied).Append("\\ufffd");
                copied = i + 6;
            }
            i += 5;
        }
        return fixedText is null ? json : fixedText.Append(json, copied, json.Length - copied).ToString();
    }

    private static bool TryLowAt(string json, int at) =>
        at + 5 < json.Length && json[at] == '\\' && json[at + 1] == 'u' && TryHex(json, at + 2, out var low) && char.IsLowSurrogate(low);

    private static bool TryHex(string text, int at, out char unit)
    {
        unit = '\0';
        if (at + 4 > text.Length) return false;
        var ok = ushort.TryParse(text.AsSpan(at, 4), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var value);
        unit = (char)value;
        return ok;
    }

    /// <summary>Throws <see cref="NulCharacterException"/> naming the first field whose name or text holds a NUL.</summary>
    public static void ThrowOnNul(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    var child = path.Length == 0 ? key : path + "." + key;
                    if (key.Contains('\0')) throw new NulCharacterException(path);
                    ThrowOnNul(value, child);
                }
                break;
            case JsonArray a:
                foreach (var item in a) ThrowOnNul(item, path);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                if (v.GetValue<string>().Contains('\0')) throw new NulCharacterException(path);
                break;
        }
    }

    /// <summary>The error answer for a NUL outside a flow form.</summary>
    public static KratosError BadRequest(NulCharacterException e) =>
        KratosError.BadRequest(e.Field.Length == 0
            ? "The request contains a NUL character, which is not allowed."
            : $"The field `{e.Field}` contains a NUL character, which is not allowed.");
}
