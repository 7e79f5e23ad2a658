using System.Text;
using System.Text.Json;
using IdentityServer.Identities;

namespace IdentityServer.Tests.Identities;

/// <summary>Kratos's timestamps: UTC, six fractional digits (truncated, never rounded), a Z.</summary>
public sealed class IdentityJsonTimeTests
{
    [Theory]
    [InlineData(638_000_000_000_000_000L, "2022-09-28T22:13:20.000000Z")]
    [InlineData(638_000_000_123_456_789L, "2022-09-28T22:13:32.345678Z")]
    [InlineData(1L, "0001-01-01T00:00:00.000000Z")]
    [InlineData(3_155_378_975_999_999_999L, "9999-12-31T23:59:59.999999Z")]
    public void Formats_microseconds_and_truncates_the_seventh_digit(long ticks, string expected)
    {
        foreach (var kind in new[] { DateTimeKind.Utc, DateTimeKind.Unspecified, DateTimeKind.Local })
        {
            var value = new DateTime(ticks, kind);
            Assert.Equal(expected, IdentityJson.Time(value));
            Assert.Equal(value.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture), IdentityJson.Time(value));
        }
    }

    [Fact]
    public void Writes_the_same_text_into_json()
    {
        var value = new DateTime(638_000_000_123_456_789L, DateTimeKind.Utc);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            IdentityJson.WriteTime(writer, "at"u8, value);
            writer.WriteEndObject();
        }
        Assert.Equal("{\"at\":\"2022-09-28T22:13:32.345678Z\"}", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
