using System.Globalization;
using static GoTemplates.ArgType;

namespace GoTemplates.Sprig;

/// <summary>sprig's date functions. Go's time.Time is a DateTimeOffset here; time.Duration is a TimeSpan.</summary>
internal static class DateFunctions
{
    private const GoTemplates.ArgType Str = GoTemplates.ArgType.String;

    public static void Register(Dictionary<string, TemplateFunction> m, bool withClock)
    {
        m["ago"] = TemplateFunction.Of(Any, d => GoTime.FormatDuration(RoundToSecond(DateTimeOffset.UtcNow - ToTime(d))));
        m["duration"] = TemplateFunction.Of(Any, Duration);
        m["durationRound"] = TemplateFunction.Of(Any, DurationRound);
        m["toDate"] = TemplateFunction.Of(Str, Str, (f, s) => TryParse((string)f!, (string)s!, out var t) ? t : ZeroTime);
        m["mustToDate"] = TemplateFunction.Of(Str, Str, (f, s) => TryParse((string)f!, (string)s!, out var t) ? t : throw new TemplateFunctionException($"parsing time {GoQuote.Quote((string)s!)} as {GoQuote.Quote((string)f!)}: cannot parse"));
        m["unixEpoch"] = TemplateFunction.Of(Time, d => GoTime.ToOffset(d!).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        m["mustDateModify"] = m["must_date_modify"] = TemplateFunction.Of(Str, Time, (f, d) => GoTime.ToOffset(d!).AddTicks(GoTime.ParseDuration((string)f!) / 100));
        if (!withClock) return;
        m["now"] = TemplateFunction.Of(() => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.Local));
        m["date"] = TemplateFunction.Of(Str, Any, (f, d) => DateInZone((string)f!, d, "Local"));
        m["htmlDate"] = TemplateFunction.Of(Any, d => DateInZone("2006-01-02", d, "Local"));
        m["dateInZone"] = m["date_in_zone"] = TemplateFunction.Of(Str, Any, Str, (f, d, z) => DateInZone((string)f!, d, (string)z!));
        m["htmlDateInZone"] = TemplateFunction.Of(Any, Str, (d, z) => DateInZone("2006-01-02", d, (string)z!));
        m["dateModify"] = m["date_modify"] = TemplateFunction.Of(Str, Time, (f, d) =>
        {
            var t = GoTime.ToOffset(d!);
            try { return t.AddTicks(GoTime.ParseDuration((string)f!) / 100); }
            catch (FormatException) { return t; }
        });
    }

    private static readonly DateTimeOffset ZeroTime = new(1, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset ToTime(object? d) => d switch
    {
        DateTimeOffset or DateTime => GoTime.ToOffset(d),
        long l => DateTimeOffset.FromUnixTimeSeconds(l),
        int i => DateTimeOffset.FromUnixTimeSeconds(i),
        _ => DateTimeOffset.UtcNow,
    };

    private static long RoundToSecond(TimeSpan span)
    {
        long ns = span.Ticks * 100;
        long s = 1_000_000_000;
        long r = ns % s;
        long down = ns - r;
        if (Math.Abs(r) * 2 >= s) return ns >= 0 ? down + s : down - s;
        return down;
    }

    private static string Duration(object? sec)
    {
        long n = sec switch
        {
            string s => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : 0,
            long l => l,
            _ => 0,
        };
        return GoTime.FormatDuration(unchecked(n * 1_000_000_000));
    }

    private static string DurationRound(object? duration)
    {
        long d = duration switch
        {
            string s => TryParseDuration(s),
            long l => l,
            TimeSpan ts => ts.Ticks * 100,
            DateTimeOffset or DateTime => (DateTimeOffset.UtcNow - GoTime.ToOffset(duration)).Ticks * 100,
            _ => 0,
        };
        ulong u = d < 0 ? (ulong)(-d) : (ulong)d;
        const ulong second = 1_000_000_000, minute = 60 * second, hour = 60 * minute, day = 24 * hour, month = 30 * day, year = 365 * day;
        if (u > year) return (u / year) + "y";
        if (u > month) return (u / month) + "mo";
        if (u > day) return (u / day) + "d";
        if (u > hour) return (u / hour) + "h";
        if (u > minute) return (u / minute) + "m";
        if (u > second) return (u / second) + "s";
        return "0s";
    }

    private static long TryParseDuration(string s)
    {
        try { return GoTime.ParseDuration(s); }
        catch (FormatException) { return 0; }
    }

    private static bool TryParse(string layout, string value, out DateTimeOffset t)
    {
        try
        {
            t = GoTime.Parse(layout, value, TimeZoneInfo.Local);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            t = default;
            return false;
        }
    }

    private static string DateInZone(string fmt, object? date, string zone)
    {
        var t = ToTime(date);
        var tz = FindZone(zone);
        var local = TimeZoneInfo.ConvertTime(t, tz);
        return GoTime.Format(local, fmt, ZoneAbbreviation(tz, local));
    }

    private static TimeZoneInfo FindZone(string zone)
    {
        if (zone is "" or "UTC") return TimeZoneInfo.Utc;
        if (zone == "Local") return TimeZoneInfo.Local;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(zone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }

    private static string? ZoneAbbreviation(TimeZoneInfo tz, DateTimeOffset t)
    {
        if (tz == TimeZoneInfo.Utc || tz.Id is "UTC" or "Etc/UTC") return "UTC";
        string name = tz.IsDaylightSavingTime(t) ? tz.DaylightName : tz.StandardName;
        // Only short alphabetic abbreviations such as CET are usable; otherwise Go's numeric form is used.
        return name.Length is >= 2 and <= 5 && name.All(char.IsAsciiLetterUpper) ? name : null;
    }
}
