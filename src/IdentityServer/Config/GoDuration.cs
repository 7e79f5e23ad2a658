using System.Globalization;
using System.Text;

namespace IdentityServer.Config;

/// <summary>
/// Durations written the way Go's time.ParseDuration reads them: an optional sign and one or more
/// decimal numbers, each followed by a unit (ns, us, µs, ms, s, m, h), e.g. 300ms, 1.5h, 2h45m30s, -1m.
/// A bare 0 is also accepted. .NET keeps 100ns ticks, so sub-tick parts are dropped.
/// </summary>
public static class GoDuration
{
    private const long NanosecondsPerTick = 100;
    private static readonly decimal MaxNanoseconds = long.MaxValue;

    public static TimeSpan Parse(string text)
    {
        if (TryParse(text, out var value, out var error)) return value;
        throw new FormatException($"invalid duration \"{text}\": {error}");
    }

    public static bool TryParse(string? text, out TimeSpan value) => TryParse(text, out value, out _);

    public static bool TryParse(string? text, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        error = "";
        if (string.IsNullOrEmpty(text))
        {
            error = "empty";
            return false;
        }

        var position = 0;
        var negative = false;
        if (text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            position++;
        }
        if (text.AsSpan(position) is "0")
        {
            return true;
        }
        if (position == text.Length)
        {
            error = "missing number";
            return false;
        }

        decimal total = 0;
        while (position < text.Length)
        {
            var numberStart = position;
            while (position < text.Length && (char.IsAsciiDigit(text[position]) || text[position] == '.')) position++;
            var number = text[numberStart..position];
            if (number.Length == 0 || number == "." || number.Count(c => c == '.') > 1)
            {
                error = "expected a number";
                return false;
            }

            var unitStart = position;
            while (position < text.Length && !char.IsAsciiDigit(text[position]) && text[position] != '.') position++;
            var unit = text[unitStart..position];
            if (unit.Length == 0)
            {
                error = "missing unit after " + number;
                return false;
            }
            var scale = UnitInNanoseconds(unit);
            if (scale == 0)
            {
                error = $"unknown unit \"{unit}\"";
                return false;
            }

            if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                error = "expected a number";
                return false;
            }
            total += amount * scale;
            if (total > MaxNanoseconds)
            {
                error = "too long";
                return false;
            }
        }

        var ticks = (long)decimal.Truncate(total / NanosecondsPerTick);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>Writes a duration in Go's style, e.g. 1h5m0s, 1.5s, 500ms, 0s.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero) return "0s";
        var text = new StringBuilder();
        if (duration < TimeSpan.Zero)
        {
            text.Append('-');
            duration = duration.Duration();
        }

        if (duration < TimeSpan.FromSeconds(1))
        {
            var nanoseconds = (decimal)duration.Ticks * NanosecondsPerTick;
            var (amount, unit) = nanoseconds switch
            {
                < 1_000 => (nanoseconds, "ns"),
                < 1_000_000 => (nanoseconds / 1_000, "µs"),
                _ => (nanoseconds / 1_000_000, "ms"),
            };
            return text.Append(amount.ToString("0.#########", CultureInfo.InvariantCulture)).Append(unit).ToString();
        }

        var hours = (long)duration.TotalHours;
        if (hours > 0) text.Append(hours).Append('h');
        if (hours > 0 || duration.Minutes > 0) text.Append(duration.Minutes).Append('m');
        var seconds = duration.Seconds + (decimal)(duration.Ticks % TimeSpan.TicksPerSecond) / TimeSpan.TicksPerSecond;
        return text.Append(seconds.ToString("0.#######", CultureInfo.InvariantCulture)).Append('s').ToString();
    }

    private static decimal UnitInNanoseconds(string unit) => unit switch
    {
        "ns" => 1m,
        "us" or "µs" or "μs" => 1_000m,
        "ms" => 1_000_000m,
        "s" => 1_000_000_000m,
        "m" => 60_000_000_000m,
        "h" => 3_600_000_000_000m,
        _ => 0m,
    };
}
