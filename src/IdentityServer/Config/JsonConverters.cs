using System.Text.Json;
using System.Text.Json.Serialization;

namespace IdentityServer.Config;

/// <summary>Reads durations written in Go syntax (15m, 1h5m) into TimeSpan.</summary>
internal sealed class GoDurationJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        GoDuration.Parse(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(GoDuration.Format(value));
}

/// <summary>Reads sizes such as 128MB into bytes (units are powers of 1024, as in Kratos).</summary>
internal sealed class ByteSizeJsonConverter : JsonConverter<long>
{
    private static readonly string[] Units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"];

    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value + "B");

    public static long Parse(string text)
    {
        var digits = text.TakeWhile(char.IsAsciiDigit).Count();
        var unit = Array.IndexOf(Units, text[digits..]);
        if (digits == 0 || unit < 0) throw new FormatException($"invalid size \"{text}\"");
        return checked(long.Parse(text[..digits], System.Globalization.CultureInfo.InvariantCulture) << (10 * unit));
    }
}
