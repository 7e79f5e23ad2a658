using System.Globalization;
using System.Text;

namespace GoTemplates;

/// <summary>Go's time formatting: reference-time layouts ("2006-01-02 15:04:05") and duration strings.</summary>
public static class GoTime
{
    public const string DefaultLayout = "2006-01-02 15:04:05.999999999 -0700 MST";

    public static DateTimeOffset ToOffset(object v) => v switch
    {
        DateTimeOffset o => o,
        DateTime d when d.Kind == DateTimeKind.Utc => new DateTimeOffset(d, TimeSpan.Zero),
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc), TimeSpan.Zero),
        _ => throw new InvalidCastException(),
    };

    public static string DefaultString(DateTimeOffset t) => Format(t, DefaultLayout);

    private static readonly string[] LongDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] LongMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private static string ZoneName(DateTimeOffset t, string? zoneName)
    {
        if (zoneName != null) return zoneName;
        if (t.Offset == TimeSpan.Zero) return "UTC";
        // Go prints a numeric zone name such as "+0200" when the zone has no abbreviation.
        return OffsetText(t.Offset, colon: false, seconds: false, z: false);
    }

    private static string OffsetText(TimeSpan off, bool colon, bool seconds, bool z)
    {
        if (z && off == TimeSpan.Zero) return "Z";
        var sb = new StringBuilder();
        sb.Append(off < TimeSpan.Zero ? '-' : '+');
        off = off.Duration();
        sb.Append(off.Hours.ToString("00", CultureInfo.InvariantCulture));
        if (colon) sb.Append(':');
        sb.Append(off.Minutes.ToString("00", CultureInfo.InvariantCulture));
        if (seconds)
        {
            if (colon) sb.Append(':');
            sb.Append(off.Seconds.ToString("00", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Formats with a Go layout. <paramref name="zoneName"/> is the abbreviation shown for MST.</summary>
    public static string Format(DateTimeOffset t, string layout, string? zoneName = null)
    {
        var sb = new StringBuilder();
        int i = 0;
        long nanos = (t.Ticks % TimeSpan.TicksPerSecond) * 100;
        while (i < layout.Length)
        {
            string rest = layout[i..];
            bool Take(string token)
            {
                if (!rest.StartsWith(token, StringComparison.Ordinal)) return false;
                i += token.Length;
                return true;
            }
            if (Take("January")) sb.Append(LongMonths[t.Month - 1]);
            else if (Take("Jan")) sb.Append(LongMonths[t.Month - 1][..3]);
            else if (Take("Monday")) sb.Append(LongDays[(int)t.DayOfWeek]);
            else if (Take("Mon")) sb.Append(LongDays[(int)t.DayOfWeek][..3]);
            else if (Take("MST")) sb.Append(ZoneName(t, zoneName));
            else if (Take("2006")) sb.Append(t.Year.ToString("0000", CultureInfo.InvariantCulture));
            else if (Take("-07:00:00")) sb.Append(OffsetText(t.Offset, true, true, false));
            else if (Take("-0700")) sb.Append(OffsetText(t.Offset, false, false, false));
            else if (Take("-07:00")) sb.Append(OffsetText(t.Offset, true, false, false));
            else if (Take("-07")) sb.Append(OffsetText(t.Offset, false, false, false)[..3]);
            else if (Take("Z07:00")) sb.Append(OffsetText(t.Offset, true, false, true));
            else if (Take("Z0700")) sb.Append(OffsetText(t.Offset, false, false, true));
            else if (Take("Z07")) { var o = OffsetText(t.Offset, false, false, true); sb.Append(o == "Z" ? o : o[..3]); }
            else if (Take("01")) sb.Append(t.Month.ToString("00", CultureInfo.InvariantCulture));
            else if (Take("02")) sb.Append(t.Day.ToString("00", CultureInfo.InvariantCulture));
            else if (Take("_2")) sb.Append(t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2));
            else if (Take("002")) sb.Append(t.DayOfYear.ToString("000", CultureInfo.InvariantCulture));
            else if (Take("03")) sb.Append(Hour12(t).ToString("00", CultureInfo.InvariantCulture));
            else if (Take("04")) sb.Append(t.Minute.ToString("00", CultureInfo.InvariantCulture));
            else if (Take("05")) sb.Append(t.Second.ToString("00", CultureInfo.InvariantCulture));
            else if (Take("06")) sb.Append((t.Year % 100).ToString("00", CultureInfo.InvariantCulture));
            else if (Take("15")) sb.Append(t.Hour.ToString("00", CultureInfo.InvariantCulture));
            else if (Take("PM")) sb.Append(t.Hour >= 12 ? "PM" : "AM");
            else if (Take("pm")) sb.Append(t.Hour >= 12 ? "pm" : "am");
            else if (rest.Length >= 2 && (rest[0] == '.' || rest[0] == ',') && (rest[1] == '0' || rest[1] == '9') && FractionLength(rest) is > 0 and var n)
            {
                bool trim = rest[1] == '9';
                string frac = nanos.ToString("000000000", CultureInfo.InvariantCulture)[..Math.Min(n, 9)];
                if (trim) frac = frac.TrimEnd('0');
                if (frac.Length > 0 || !trim) sb.Append(rest[0]).Append(frac);
                i += n + 1;
            }
            else if (Take("1")) sb.Append(t.Month.ToString(CultureInfo.InvariantCulture));
            else if (Take("2")) sb.Append(t.Day.ToString(CultureInfo.InvariantCulture));
            else if (Take("3")) sb.Append(Hour12(t).ToString(CultureInfo.InvariantCulture));
            else if (Take("4")) sb.Append(t.Minute.ToString(CultureInfo.InvariantCulture));
            else if (Take("5")) sb.Append(t.Second.ToString(CultureInfo.InvariantCulture));
            else { sb.Append(layout[i]); i++; }
        }
        return sb.ToString();
    }

    private static int FractionLength(string rest)
    {
        char d = rest[1];
        int n = 1;
        while (n < rest.Length && rest[n] == d) n++;
        n--;
        // A fraction only counts when not followed by another digit.
        if (n + 1 < rest.Length && char.IsAsciiDigit(rest[n + 1])) return 0;
        return n;
    }

    private static int Hour12(DateTimeOffset t)
    {
        int h = t.Hour % 12;
        return h == 0 ? 12 : h;
    }

    /// <summary>Parses text with a Go layout; supports the numeric layout elements and month/day names.</summary>
    public static DateTimeOffset Parse(string layout, string value, TimeZoneInfo? zone = null)
    {
        int year = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0;
        long nanos = 0;
        bool pm = false, hasAmPm = false;
        TimeSpan? offset = null;
        int i = 0, j = 0;
        int Number(int min, int max)
        {
            int start = j;
            while (j < value.Length && j - start < max && char.IsAsciiDigit(value[j])) j++;
            if (j - start < min) throw new FormatException($"parsing time {GoQuote.Quote(value)} as {GoQuote.Quote(layout)}: cannot parse");
            return int.Parse(value.AsSpan(start, j - start), CultureInfo.InvariantCulture);
        }
        int Name(string[] names, int len)
        {
            for (int k = 0; k < names.Length; k++)
            {
                string n = len > 0 ? names[k][..len] : names[k];
                if (string.Compare(value, j, n, 0, n.Length, StringComparison.OrdinalIgnoreCase) == 0) { j += n.Length; return k; }
            }
            throw new FormatException($"parsing time {GoQuote.Quote(value)}: bad name");
        }
        TimeSpan Offset(bool colon, bool z)
        {
            if (z && j < value.Length && value[j] == 'Z') { j++; return TimeSpan.Zero; }
            if (j >= value.Length || (value[j] != '+' && value[j] != '-')) throw new FormatException($"parsing time {GoQuote.Quote(value)}: bad offset");
            int sign = value[j++] == '-' ? -1 : 1;
            int h = Number(2, 2);
            if (colon && j < value.Length && value[j] == ':') j++;
            int m = j < value.Length && char.IsAsciiDigit(value[j]) ? Number(2, 2) : 0;
            return sign * new TimeSpan(h, m, 0);
        }
        while (i < layout.Length)
        {
            string rest = layout[i..];
            bool Take(string token)
            {
                if (!rest.StartsWith(token, StringComparison.Ordinal)) return false;
                i += token.Length;
                return true;
            }
            if (Take("January")) month = Name(LongMonths, 0) + 1;
            else if (Take("Jan")) month = Name(LongMonths, 3) + 1;
            else if (Take("Monday")) Name(LongDays, 0);
            else if (Take("Mon")) Name(LongDays, 3);
            else if (Take("MST"))
            {
                int start = j;
                while (j < value.Length && char.IsAsciiLetterUpper(value[j])) j++;
                if (value[start..j] == "UTC" || value[start..j] == "GMT") offset = TimeSpan.Zero;
            }
            else if (Take("2006")) year = Number(4, 4);
            else if (Take("-07:00")) offset = Offset(true, false);
            else if (Take("-0700")) offset = Offset(false, false);
            else if (Take("Z07:00")) offset = Offset(true, true);
            else if (Take("Z0700")) offset = Offset(false, true);
            else if (Take("01")) month = Number(2, 2);
            else if (Take("02")) day = Number(2, 2);
            else if (Take("_2")) { if (j < value.Length && value[j] == ' ') j++; day = Number(1, 2); }
            else if (Take("03")) { hour = Number(2, 2); }
            else if (Take("04")) minute = Number(2, 2);
            else if (Take("05"))
            {
                second = Number(2, 2);
                if (j < value.Length && value[j] == '.' && (i >= layout.Length || layout[i] != '.'))
                {
                    j++;
                    int start = j;
                    while (j < value.Length && char.IsAsciiDigit(value[j])) j++;
                    nanos = long.Parse(value[start..j].PadRight(9, '0')[..9], CultureInfo.InvariantCulture);
                }
            }
            else if (Take("06")) year = 2000 + Number(2, 2);
            else if (Take("15")) hour = Number(1, 2);
            else if (Take("PM") || Take("pm"))
            {
                hasAmPm = true;
                pm = j + 1 < value.Length && char.ToUpperInvariant(value[j]) == 'P';
                j += 2;
            }
            else if (rest.Length >= 2 && rest[0] == '.' && (rest[1] == '0' || rest[1] == '9'))
            {
                int n = FractionLength(rest);
                i += n + 1;
                if (j < value.Length && value[j] == '.')
                {
                    j++;
                    int start = j;
                    while (j < value.Length && char.IsAsciiDigit(value[j])) j++;
                    nanos = long.Parse(value[start..j].PadRight(9, '0')[..9], CultureInfo.InvariantCulture);
                }
            }
            else if (Take("1")) month = Number(1, 2);
            else if (Take("2")) day = Number(1, 2);
            else if (Take("3")) hour = Number(1, 2);
            else if (Take("4")) minute = Number(1, 2);
            else if (Take("5")) second = Number(1, 2);
            else
            {
                if (j >= value.Length || value[j] != layout[i])
                    throw new FormatException($"parsing time {GoQuote.Quote(value)} as {GoQuote.Quote(layout)}: cannot parse {GoQuote.Quote(value[Math.Min(j, value.Length)..])} as {GoQuote.Quote(layout[i..])}");
                i++;
                j++;
            }
        }
        if (j < value.Length) throw new FormatException($"parsing time {GoQuote.Quote(value)}: extra text: {GoQuote.Quote(value[j..])}");
        if (hasAmPm)
        {
            if (pm && hour < 12) hour += 12;
            else if (!pm && hour == 12) hour = 0;
        }
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(nanos / 100);
        if (offset is { } off) return new DateTimeOffset(local, off);
        zone ??= TimeZoneInfo.Utc;
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>Go's Duration.String: "1h2m3.5s", "150ms", "0s".</summary>
    public static string FormatDuration(TimeSpan d) => FormatDuration(d.Ticks * 100);

    public static string FormatDuration(long nanos)
    {
        if (nanos == 0) return "0s";
        bool neg = nanos < 0;
        ulong u = neg ? (ulong)(-(nanos + 1)) + 1 : (ulong)nanos;
        string body;
        if (u < 1_000_000_000UL)
        {
            string unit;
            int prec;
            if (u < 1000) { body = u.ToString(CultureInfo.InvariantCulture) + "ns"; return (neg ? "-" : "") + body; }
            if (u < 1_000_000) { unit = "µs"; prec = 3; }
            else { unit = "ms"; prec = 6; }
            body = Fraction(u, prec) + unit;
        }
        else
        {
            string secs = Fraction(u % 60_000_000_000UL, 9) + "s";
            ulong minutes = u / 60_000_000_000UL;
            if (minutes == 0) body = secs;
            else
            {
                ulong hours = minutes / 60;
                minutes %= 60;
                body = (hours > 0 ? hours.ToString(CultureInfo.InvariantCulture) + "h" : "") + minutes.ToString(CultureInfo.InvariantCulture) + "m" + secs;
            }
        }
        return (neg ? "-" : "") + body;
    }

    private static string Fraction(ulong v, int prec)
    {
        ulong scale = 1;
        for (int k = 0; k < prec; k++) scale *= 10;
        string whole = (v / scale).ToString(CultureInfo.InvariantCulture);
        string frac = (v % scale).ToString(CultureInfo.InvariantCulture).PadLeft(prec, '0').TrimEnd('0');
        return frac.Length > 0 ? whole + "." + frac : whole;
    }

    /// <summary>Parses Go duration text such as "1h30m", "-1.5s", "300ms".</summary>
    public static long ParseDuration(string s)
    {
        string orig = s;
        if (s == "0") return 0;
        bool neg = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+')) { neg = s[0] == '-'; s = s[1..]; }
        if (s.Length == 0) throw new FormatException($"time: invalid duration {GoQuote.Quote(orig)}");
        decimal total = 0;
        while (s.Length > 0)
        {
            int k = 0;
            while (k < s.Length && (char.IsAsciiDigit(s[k]) || s[k] == '.')) k++;
            if (k == 0) throw new FormatException($"time: invalid duration {GoQuote.Quote(orig)}");
            decimal num = decimal.Parse(s[..k], CultureInfo.InvariantCulture);
            s = s[k..];
            int u = 0;
            while (u < s.Length && !char.IsAsciiDigit(s[u]) && s[u] != '.') u++;
            string unit = s[..u];
            s = s[u..];
            decimal scale = unit switch
            {
                "ns" => 1m, "us" or "µs" or "μs" => 1_000m, "ms" => 1_000_000m, "s" => 1_000_000_000m,
                "m" => 60_000_000_000m, "h" => 3_600_000_000_000m,
                "" => throw new FormatException($"time: missing unit in duration {GoQuote.Quote(orig)}"),
                _ => throw new FormatException($"time: unknown unit {GoQuote.Quote(unit)} in duration {GoQuote.Quote(orig)}"),
            };
            total += num * scale;
        }
        long result = (long)decimal.Truncate(total);
        return neg ? -result : result;
    }
}
