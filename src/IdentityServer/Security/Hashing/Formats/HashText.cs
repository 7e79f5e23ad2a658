using System.Globalization;
using System.Text;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>Parsing helpers shared by the '$'-separated hash formats.</summary>
internal static class HashText
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Splits on '$'; the leading empty field before the first '$' is part of the result.</summary>
    public static string[] Split(string hash, string format, int expectedFields)
    {
        var fields = hash.Split('$');
        if (fields.Length != expectedFields)
        {
            throw new MalformedHashException(format, $"expected {expectedFields - 1} '$'-separated fields, found {fields.Length - 1}");
        }

        return fields;
    }

    /// <summary>Decodes standard base64 with or without '=' padding.</summary>
    public static byte[] Base64(string text, string format, string field)
    {
        var unpadded = text.TrimEnd('=');
        if (text.Length - unpadded.Length > 2 || unpadded.Length % 4 == 1 || !IsBase64Alphabet(unpadded))
        {
            throw new MalformedHashException(format, $"the {field} is not valid base64");
        }

        var padded = unpadded.PadRight(unpadded.Length + (4 - unpadded.Length % 4) % 4, '=');
        return Convert.FromBase64String(padded);
    }

    public static string Base64Unpadded(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    /// <summary>Parses "a=1,b=2" into integers, requiring exactly the given keys in any order.</summary>
    public static Dictionary<string, long> Parameters(string text, string format, params string[] keys)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pair in text.Split(','))
        {
            var eq = pair.IndexOf('=');
            var key = eq < 0 ? pair : pair[..eq];
            if (eq < 0 || !keys.Contains(key) || values.ContainsKey(key))
            {
                throw new MalformedHashException(format, $"expected parameters {string.Join(",", keys.Select(k => k + "=<number>"))}, found \"{text}\"");
            }

            if (!long.TryParse(pair[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw new MalformedHashException(format, $"parameter {key} must be a non-negative integer");
            }

            values[key] = value;
        }

        var missing = keys.Where(k => !values.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            throw new MalformedHashException(format, $"missing parameter {string.Join(", ", missing)}");
        }

        return values;
    }

    public static int InRange(long value, long min, long max, string format, string name)
    {
        if (value < min || value > max)
        {
            throw new MalformedHashException(format, $"{name} must be between {min} and {max}, found {value}");
        }

        return (int)value;
    }

    private static bool IsBase64Alphabet(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '+' && c != '/')
            {
                return false;
            }
        }

        return true;
    }
}
