using System.Globalization;
using System.Text;

namespace IdentityServer.Text;

/// <summary>
/// Formats values the way the message texts expect them, so translated UIs that parse or compare
/// the English texts see the same strings as with the reference server.
/// </summary>
internal static class GoStyleFormat
{
    /// <summary>A double-quoted string with backslash escapes for quotes, backslashes and control characters.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>Shortest round-trip form of a number, switching to exponent form only for very large or small values.</summary>
    public static string Number(double value)
    {
        if (double.IsInteger(value) && Math.Abs(value) < 1e21)
        {
            return ((decimal)value).ToString(CultureInfo.InvariantCulture);
        }

        var abs = Math.Abs(value);
        if (abs >= 1e-4 && abs < 1e21)
        {
            var text = value.ToString("R", CultureInfo.InvariantCulture);
            return text.Contains('E') ? ((decimal)value).ToString(CultureInfo.InvariantCulture) : text;
        }

        var exp = value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        // Exponents always carry a sign and at least two digits.
        var at = exp.IndexOf('e');
        if (at < 0)
        {
            return exp;
        }
        var mantissa = exp[..at];
        var power = exp[(at + 1)..];
        var sign = power.StartsWith('-') ? "-" : "+";
        var digits = power.TrimStart('+', '-');
        return mantissa + "e" + sign + digits.PadLeft(2, '0');
    }

    /// <summary>Minutes with two decimals, as used in "expired N minutes ago" texts.</summary>
    public static string Minutes(TimeSpan span) =>
        span.TotalMinutes.ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>RFC 3339 timestamp with fractional seconds only as long as needed (the JSON form of timestamps).</summary>
    public static string Timestamp(DateTimeOffset value)
    {
        var fraction = FractionDigits(value);
        var main = value.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return main + fraction + Offset(value, withColon: true, utcAsZ: true);
    }

    /// <summary>Human readable timestamp such as <c>2024-01-02 10:00:00 +0000 UTC</c>.</summary>
    public static string HumanTime(DateTimeOffset value)
    {
        var main = value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + FractionDigits(value);
        var offset = Offset(value, withColon: false, utcAsZ: false);
        var zone = value.Offset == TimeSpan.Zero ? "UTC" : offset;
        return $"{main} {offset} {zone}";
    }

    private static string FractionDigits(DateTimeOffset value)
    {
        var ticks = value.Ticks % TimeSpan.TicksPerSecond;
        if (ticks == 0)
        {
            return "";
        }
        return "." + ticks.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
    }

    private static string Offset(DateTimeOffset value, bool withColon, bool utcAsZ)
    {
        if (value.Offset == TimeSpan.Zero && utcAsZ)
        {
            return "Z";
        }
        var sign = value.Offset < TimeSpan.Zero ? "-" : "+";
        var abs = value.Offset.Duration();
        var separator = withColon ? ":" : "";
        return $"{sign}{abs.Hours:D2}{separator}{abs.Minutes:D2}";
    }
}
