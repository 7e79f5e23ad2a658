using System.Collections;
using System.Globalization;

namespace GoTemplates.Sprig;

/// <summary>The loose conversions sprig relies on (strval and the spf13/cast rules).</summary>
internal static class Conv
{
    public static string Str(object? v) => v switch
    {
        null => "<nil>",
        Missing => "<nil>",
        string s => s,
        byte[] b => System.Text.Encoding.UTF8.GetString(b),
        Exception e => e.Message,
        _ => GoFormat.ToText(v),
    };

    private static string TrimZeroDecimal(string s)
    {
        int dot = s.IndexOf('.');
        if (dot < 0) return s;
        for (int i = dot + 1; i < s.Length; i++)
        {
            if (s[i] != '0') return s;
        }
        return dot == 0 ? s : s[..dot];
    }

    public static long ToInt64(object? v)
    {
        switch (v)
        {
            case null or Missing:
                return 0;
            case bool b:
                return b ? 1 : 0;
            case string s:
                return TryParseGoInt(TrimZeroDecimal(s), out long l) ? l : 0;
            case double or float or decimal:
            {
                double d = GoValues.ToDouble(v);
                if (double.IsNaN(d)) return long.MinValue;
                if (d >= 9.2233720368547758E18 || d < -9.2233720368547758E18) return long.MinValue;
                return (long)d;
            }
        }
        if (GoValues.IsInteger(v) || v is TimeSpan) return GoValues.ToInt64(v);
        return 0;
    }

    public static int ToInt(object? v) => unchecked((int)ToInt64(v));

    public static double ToFloat64(object? v) => v switch
    {
        null or Missing => 0,
        bool b => b ? 1 : 0,
        string s => double.TryParse(s.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0,
        double or float or decimal => GoValues.ToDouble(v),
        _ when GoValues.IsInteger(v) => GoValues.KindOf(v) == GoKind.Uint ? GoValues.ToUInt64(v) : GoValues.ToInt64(v),
        _ => 0,
    };

    private static bool TryParseGoInt(string s, out long value)
    {
        value = 0;
        bool neg = false;
        if (s.StartsWith('-') || s.StartsWith('+')) { neg = s[0] == '-'; s = s[1..]; }
        if (s.Length == 0) return false;
        int radix = 10;
        if (s.Length > 1 && s[0] == '0')
        {
            switch (char.ToLowerInvariant(s[1]))
            {
                case 'x': radix = 16; s = s[2..]; break;
                case 'b': radix = 2; s = s[2..]; break;
                case 'o': radix = 8; s = s[2..]; break;
                default: radix = 8; s = s[1..]; break;
            }
        }
        s = s.Replace("_", "");
        if (s.Length == 0) return false;
        try
        {
            ulong u = radix == 10 ? ulong.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture) : System.Convert.ToUInt64(s, radix);
            if (u > (ulong)long.MaxValue + (neg ? 1UL : 0UL)) return false;
            value = neg ? unchecked(-(long)u) : (long)u;
            return true;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Elements of a Go slice or array; null for anything else.</summary>
    public static IList? AsList(object? v) => v switch
    {
        string => null,
        IList l => l,
        _ => null,
    };

    public static string KindName(object? v) => v switch
    {
        null or Missing => "invalid",
        bool => "bool",
        string => "string",
        int => "int",
        long => "int64",
        double => "float64",
        IDictionary => "map",
        IList => "slice",
        Delegate => "func",
        DateTimeOffset or DateTime => "struct",
        TimeSpan => "int64",
        _ => GoValues.TypeName(v) switch { var n when n.StartsWith("int") || n.StartsWith("uint") || n.StartsWith("float") => n, _ => "struct" },
    };

    public static bool DeepEqual(object? a, object? b)
    {
        if (a is Missing) a = null;
        if (b is Missing) b = null;
        if (a == null || b == null) return a == null && b == null;
        if (a.GetType() != b.GetType()) return false;
        switch (a)
        {
            case IDictionary da:
            {
                var db = (IDictionary)b;
                if (da.Count != db.Count) return false;
                foreach (DictionaryEntry e in da)
                {
                    if (!db.Contains(e.Key) || !DeepEqual(e.Value, db[e.Key])) return false;
                }
                return true;
            }
            case IList la:
            {
                var lb = (IList)b;
                if (la.Count != lb.Count) return false;
                for (int i = 0; i < la.Count; i++)
                {
                    if (!DeepEqual(la[i], lb[i])) return false;
                }
                return true;
            }
            default:
                return a.Equals(b);
        }
    }

    public static object? DeepCopy(object? v) => v switch
    {
        IDictionary<string, object?> d => d.ToDictionary(kv => kv.Key, kv => DeepCopy(kv.Value)),
        IList l and not Array => l.Cast<object?>().Select(DeepCopy).ToList(),
        Array a => a.Clone(),
        _ => v,
    };
}
