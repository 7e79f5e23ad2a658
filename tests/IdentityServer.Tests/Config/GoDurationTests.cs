using IdentityServer.Config;

namespace IdentityServer.Tests.Config;

public class GoDurationTests
{
    [Theory]
    [InlineData("300ms", 3_000_000L)]
    [InlineData("1.5h", 54_000_000_000L)]
    [InlineData("1h5m", 39_000_000_000L)]
    [InlineData("2h45m30s", 99_300_000_000L)]
    [InlineData("-1m", -600_000_000L)]
    [InlineData("+5s", 50_000_000L)]
    [InlineData("15m", 9_000_000_000L)]
    [InlineData("0", 0L)]
    [InlineData("0s", 0L)]
    [InlineData("1us", 10L)]
    [InlineData("1µs", 10L)]
    [InlineData("1μs", 10L)]
    [InlineData("100ns", 1L)]
    [InlineData("150ns", 1L)]
    [InlineData(".5s", 5_000_000L)]
    [InlineData("1.s", 10_000_000L)]
    [InlineData("1h1h", 72_000_000_000L)]
    [InlineData("24h", 864_000_000_000L)]
    public void Parses_Go_syntax(string text, long ticks)
    {
        Assert.Equal(TimeSpan.FromTicks(ticks), GoDuration.Parse(text));
        Assert.True(GoDuration.TryParse(text, out var parsed));
        Assert.Equal(ticks, parsed.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1x")]
    [InlineData("1")]
    [InlineData("10")]
    [InlineData("h")]
    [InlineData("1h-5m")]
    [InlineData("--1s")]
    [InlineData(".")]
    [InlineData(".s")]
    [InlineData("1..5s")]
    [InlineData("1 h")]
    [InlineData("1H")]
    [InlineData("3000000h")]
    public void Refuses_anything_else(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
        Assert.Throws<FormatException>(() => GoDuration.Parse(text));
    }

    [Theory]
    [InlineData("0s", "0s")]
    [InlineData("500ms", "500ms")]
    [InlineData("1.5s", "1.5s")]
    [InlineData("1h5m", "1h5m0s")]
    [InlineData("2h45m30s", "2h45m30s")]
    [InlineData("-1m", "-1m0s")]
    [InlineData("36h", "36h0m0s")]
    [InlineData("1us", "1µs")]
    public void Formats_like_Go(string input, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(GoDuration.Parse(input)));
    }
}
