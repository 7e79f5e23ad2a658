using System.Text.Json;
using System.Text.Json.Nodes;

namespace IdentityServer.Config;

/// <summary>Short human descriptions of JSON values for error messages.</summary>
internal static class JsonDescriptions
{
    public static string Describe(JsonNode? node) => node switch
    {
        null => "an empty value",
        JsonObject => "a mapping of keys",
        JsonArray => "a list",
        JsonValue value => DescribeValue(value),
        _ => "a value",
    };

    public static string TypeName(string schemaType) => schemaType switch
    {
        "object" => "a mapping of keys",
        "array" => "a list",
        "string" => "a string",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "null" => "an empty value",
        _ => schemaType,
    };

    public static string Quote(string text)
    {
        var shown = text.Length > 60 ? text[..57] + "..." : text;
        return JsonSerializer.Serialize(shown, QuoteOptions);
    }

    public static string Render(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => Quote(value.GetValue<string>()),
        _ => node.ToJsonString(),
    };

    public static string KindOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => IsWholeNumber(value) ? "integer" : "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
        _ => "null",
    };

    public static double ToDouble(JsonValue value)
    {
        if (value.TryGetValue<long>(out var whole)) return whole;
        if (value.TryGetValue<int>(out var small)) return small;
        return value.GetValue<double>();
    }

    public static bool IsWholeNumber(JsonValue value)
    {
        if (value.TryGetValue<long>(out _) || value.TryGetValue<int>(out _)) return true;
        return value.TryGetValue<double>(out var number) && Math.Abs(number % 1) == 0 && Math.Abs(number) < 9e15;
    }

    private static string DescribeValue(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => "string " + Quote(value.GetValue<string>()),
        JsonValueKind.Number => "number " + value.ToJsonString(),
        JsonValueKind.True => "boolean true",
        JsonValueKind.False => "boolean false",
        _ => "an empty value",
    };

    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
