using System.Collections;
using System.Globalization;
using System.Text;

namespace GoTemplates;

/// <summary>Go's fmt.Sprint, Sprintln and Sprintf over the engine's values.</summary>
public static class GoFormat
{
    public static string Sprint(IReadOnlyList<object?> args)
    {
        if (args.Count == 1 && args[0] is string only) return only;
        var sb = new StringBuilder();
        bool prevString = false;
        for (int i = 0; i < args.Count; i++)
        {
            bool isString = args[i] is string;
            if (i > 0 && !isString && !prevString) sb.Append(' ');
            AppendValue(sb, args[i], new Spec { Verb = 'v' });
            prevString = isString;
        }
        return sb.ToString();
    }

    public static string Sprintln(IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < args.Count; i++)
        {
            if (i > 0) sb.Append(' ');
            AppendValue(sb, args[i], new Spec { Verb = 'v' });
        }
        sb.Append('\n');
        return sb.ToString();
    }

    /// <summary>The default text of a single value, as {{.}} prints it.</summary>
    public static string ToText(object? v)
    {
        if (v is string s) return s;
        var sb = new StringBuilder();
        AppendValue(sb, v, new Spec { Verb = 'v' });
        return sb.ToString();
    }

    private struct Spec
    {
        public char Verb;
        public bool Plus, Minus, Sharp, Zero, Space, PlusV, SharpV;
        public int Width, Prec;
        public bool HasWidth, HasPrec;
    }

    public static string Sprintf(string format, IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        int argNum = 0;
        bool reordered = false;
        int i = 0;
        while (i < format.Length)
        {
            int pct = format.IndexOf('%', i);
            if (pct < 0) { sb.Append(format, i, format.Length - i); break; }
            sb.Append(format, i, pct - i);
            i = pct + 1;
            var spec = new Spec();
            // Flags.
            for (; i < format.Length; i++)
            {
                char c = format[i];
                if (c == '#') spec.Sharp = true;
                else if (c == '0') spec.Zero = !spec.Minus;
                else if (c == '+') spec.Plus = true;
                else if (c == '-') { spec.Minus = true; spec.Zero = false; }
                else if (c == ' ') spec.Space = true;
                else break;
            }
            i = ArgIndex(format, i, ref argNum, ref reordered, args.Count);
            // Width.
            if (i < format.Length && format[i] == '*')
            {
                i++;
                if (argNum < args.Count && args[argNum] is not null && GoValues.IsInteger(args[argNum]))
                {
                    spec.Width = (int)GoValues.ToInt64(args[argNum]!);
                    spec.HasWidth = true;
                    if (spec.Width < 0) { spec.Minus = true; spec.Zero = false; spec.Width = -spec.Width; }
                }
                else sb.Append("%!(BADWIDTH)");
                argNum++;
            }
            else
            {
                int start = i;
                while (i < format.Length && char.IsAsciiDigit(format[i])) i++;
                if (i > start) { spec.Width = int.Parse(format.AsSpan(start, i - start), CultureInfo.InvariantCulture); spec.HasWidth = true; }
            }
            // Precision.
            if (i < format.Length && format[i] == '.')
            {
                i++;
                i = ArgIndex(format, i, ref argNum, ref reordered, args.Count);
                if (i < format.Length && format[i] == '*')
                {
                    i++;
                    if (argNum < args.Count && args[argNum] is not null && GoValues.IsInteger(args[argNum]))
                    {
                        spec.Prec = (int)GoValues.ToInt64(args[argNum]!);
                        spec.HasPrec = spec.Prec >= 0;
                        if (spec.Prec < 0) spec.Prec = 0;
                    }
                    else sb.Append("%!(BADPREC)");
                    argNum++;
                }
                else
                {
                    int start = i;
                    while (i < format.Length && char.IsAsciiDigit(format[i])) i++;
                    spec.Prec = i > start ? int.Parse(format.AsSpan(start, i - start), CultureInfo.InvariantCulture) : 0;
                    spec.HasPrec = true;
                }
            }
            i = ArgIndex(format, i, ref argNum, ref reordered, args.Count);
            if (i >= format.Length) { sb.Append("%!(NOVERB)"); break; }
            char verb = format[i];
            int verbLen = 1;
            if (char.IsHighSurrogate(verb) && i + 1 < format.Length) verbLen = 2;
            string verbText = format.Substring(i, verbLen);
            i += verbLen;
            spec.Verb = verb;
            if (verb == '%') { sb.Append('%'); continue; }
            if (argNum >= args.Count)
            {
                sb.Append("%!").Append(verbText).Append("(MISSING)");
                continue;
            }
            var arg = args[argNum++];
            if (verb == 'T') { Pad(sb, GoValues.TypeName(arg), spec); continue; }
            if (verb == 'v')
            {
                if (spec.Sharp) { spec.Sharp = false; spec.SharpV = true; }
                if (spec.Plus) { spec.Plus = false; spec.PlusV = true; }
            }
            AppendValue(sb, arg, spec);
        }
        if (!reordered && argNum < args.Count)
        {
            sb.Append("%!(EXTRA ");
            for (int k = argNum; k < args.Count; k++)
            {
                if (k > argNum) sb.Append(", ");
                if (args[k] is null) sb.Append("<nil>");
                else
                {
                    sb.Append(GoValues.TypeName(args[k])).Append('=');
                    AppendValue(sb, args[k], new Spec { Verb = 'v' });
                }
            }
            sb.Append(')');
        }
        return sb.ToString();
    }

    private static int ArgIndex(string format, int i, ref int argNum, ref bool reordered, int count)
    {
        if (i >= format.Length || format[i] != '[') return i;
        int close = format.IndexOf(']', i);
        if (close < 0) return i;
        if (int.TryParse(format.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && n <= count)
        {
            argNum = n - 1;
            reordered = true;
        }
        return close + 1;
    }

    private static void AppendValue(StringBuilder sb, object? arg, Spec spec, bool nested = false)
    {
        switch (arg)
        {
            case null or Missing:
                // A nil inside a slice or map prints as <nil> whatever the verb; on its own only %v does.
                if (arg is Missing) Pad(sb, "<invalid reflect.Value>", spec);
                else if (nested) sb.Append("<nil>");
                else if (spec.Verb == 'v') Pad(sb, "<nil>", spec);
                else BadVerb(sb, spec, arg);
                return;
            case bool b:
                if (spec.Verb is 't' or 'v') Pad(sb, b ? "true" : "false", spec);
                else BadVerb(sb, spec, arg);
                return;
            case string s:
                FormatString(sb, s, spec, arg);
                return;
            case byte[] bytes when spec.Verb is 's' or 'q' or 'x' or 'X':
                FormatString(sb, Encoding.UTF8.GetString(bytes), spec, arg);
                return;
            case double or float or decimal:
                FormatFloat(sb, GoValues.ToDouble(arg), spec, arg);
                return;
            case TimeSpan ts:
                if (spec.Verb is 'v' or 's') Pad(sb, GoTime.FormatDuration(ts), spec);
                else FormatInteger(sb, ts.Ticks * 100, false, spec, arg);
                return;
            case DateTimeOffset or DateTime:
                if (spec.Verb is 'v' or 's') Pad(sb, GoTime.DefaultString(GoTime.ToOffset(arg)), spec);
                else BadVerb(sb, spec, arg);
                return;
        }
        if (GoValues.IsInteger(arg))
        {
            bool unsigned = GoValues.KindOf(arg) == GoKind.Uint;
            if (unsigned) FormatUnsigned(sb, GoValues.ToUInt64(arg), spec, arg);
            else FormatInteger(sb, GoValues.ToInt64(arg), false, spec, arg);
            return;
        }
        switch (arg)
        {
            case IDictionary map:
            {
                var inner = new StringBuilder();
                inner.Append("map[");
                bool first = true;
                foreach (var k in GoValues.SortedKeys(map))
                {
                    if (!first) inner.Append(' ');
                    first = false;
                    AppendValue(inner, k, spec, nested: true);
                    inner.Append(':');
                    AppendValue(inner, map[k], spec, nested: true);
                }
                inner.Append(']');
                sb.Append(inner);
                return;
            }
            case IList list:
            {
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(' ');
                    AppendValue(sb, list[i], spec, nested: true);
                }
                sb.Append(']');
                return;
            }
            case Delegate:
                Pad(sb, "0x0", spec);
                return;
        }
        var type = arg.GetType();
        if (type.IsEnum || arg is IFormattable && type.IsPrimitive)
        {
            Pad(sb, arg.ToString() ?? "", spec);
            return;
        }
        var props = GoValues.PropertiesOf(type);
        if (props.Length == 0)
        {
            Pad(sb, arg.ToString() ?? "", spec);
            return;
        }
        sb.Append('{');
        for (int i = 0; i < props.Length; i++)
        {
            if (i > 0) sb.Append(' ');
            if (spec.PlusV) sb.Append(props[i].Name).Append(':');
            AppendValue(sb, props[i].GetValue(arg), spec, nested: true);
        }
        sb.Append('}');
    }

    private static void BadVerb(StringBuilder sb, Spec spec, object? arg)
    {
        sb.Append("%!").Append(spec.Verb).Append('(');
        if (arg is null) sb.Append("<nil>");
        else
        {
            // Go prints the value with the same flags and width, as %v.
            sb.Append(GoValues.TypeName(arg)).Append('=');
            AppendValue(sb, arg, spec with { Verb = 'v' });
        }
        sb.Append(')');
    }

    private static void Pad(StringBuilder sb, string s, Spec spec, bool zeroAllowed = true, bool signAware = false)
    {
        int runes = CountRunes(s);
        if (!spec.HasWidth || runes >= spec.Width) { sb.Append(s); return; }
        int pad = spec.Width - runes;
        if (spec.Minus) { sb.Append(s).Append(' ', pad); return; }
        if (spec.Zero && zeroAllowed)
        {
            // For numbers the zeros go after the sign; strings are padded in front.
            if (signAware && s.Length > 0 && (s[0] == '-' || s[0] == '+' || s[0] == ' '))
            {
                sb.Append(s[0]).Append('0', pad).Append(s, 1, s.Length - 1);
                return;
            }
            sb.Append('0', pad).Append(s);
            return;
        }
        sb.Append(' ', pad).Append(s);
    }

    private static int CountRunes(string s)
    {
        int n = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length) i++;
            n++;
        }
        return n;
    }

    private static void FormatString(StringBuilder sb, string s, Spec spec, object arg)
    {
        switch (spec.Verb)
        {
            case 'v' when spec.SharpV:
                Pad(sb, GoQuote.Quote(s), spec);
                return;
            case 'v' or 's':
                Pad(sb, spec.HasPrec ? TruncateRunes(s, spec.Prec) : s, spec);
                return;
            case 'q':
                if (spec.HasPrec) s = TruncateRunes(s, spec.Prec);
                if (spec.Sharp && !s.Contains('`') && s.All(c => c == '\t' || !char.IsControl(c))) Pad(sb, "`" + s + "`", spec);
                else Pad(sb, GoQuote.Quote(s, '"', spec.Plus), spec);
                return;
            case 'x' or 'X':
            {
                var bytes = Encoding.UTF8.GetBytes(s);
                if (spec.HasPrec && spec.Prec < bytes.Length) bytes = bytes[..spec.Prec];
                var hex = new StringBuilder();
                for (int i = 0; i < bytes.Length; i++)
                {
                    if (spec.Space && i > 0) hex.Append(' ');
                    if (spec.Sharp && (spec.Space || i == 0)) hex.Append(spec.Verb == 'x' ? "0x" : "0X");
                    hex.Append(bytes[i].ToString(spec.Verb == 'x' ? "x2" : "X2", CultureInfo.InvariantCulture));
                }
                Pad(sb, hex.ToString(), spec);
                return;
            }
            default:
                BadVerb(sb, spec, arg);
                return;
        }
    }

    private static string TruncateRunes(string s, int n)
    {
        int count = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (count == n) return s[..i];
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length) i++;
            count++;
        }
        return s;
    }

    private static void FormatInteger(StringBuilder sb, long v, bool _, Spec spec, object arg)
    {
        if (spec.Verb is 'c' or 'q' or 'U')
        {
            FormatRune(sb, v, spec);
            return;
        }
        bool neg = v < 0;
        ulong mag = neg ? (ulong)(-(v + 1)) + 1 : (ulong)v;
        FormatMagnitude(sb, mag, neg, spec, arg);
    }

    private static void FormatUnsigned(StringBuilder sb, ulong v, Spec spec, object arg)
    {
        if (spec.Verb is 'c' or 'q' or 'U')
        {
            FormatRune(sb, (long)Math.Min(v, int.MaxValue), spec);
            return;
        }
        FormatMagnitude(sb, v, false, spec, arg);
    }

    private static void FormatRune(StringBuilder sb, long v, Spec spec)
    {
        int r = v < 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ? 0xFFFD : (int)v;
        switch (spec.Verb)
        {
            case 'c':
                Pad(sb, char.ConvertFromUtf32(r), spec);
                return;
            case 'q':
            {
                var q = new StringBuilder("'");
                GoQuote.AppendQuotedRune(q, r, '\'', spec.Plus);
                q.Append('\'');
                Pad(sb, q.ToString(), spec);
                return;
            }
            default:
            {
                string u = "U+" + v.ToString("X4", CultureInfo.InvariantCulture);
                if (spec.Sharp && GoQuote.IsPrint(r)) u += " '" + char.ConvertFromUtf32(r) + "'";
                Pad(sb, u, spec);
                return;
            }
        }
    }

    private static void FormatMagnitude(StringBuilder sb, ulong mag, bool neg, Spec spec, object arg)
    {
        string digits;
        string prefix = "";
        switch (spec.Verb)
        {
            case 'd' or 'v':
                digits = mag.ToString(CultureInfo.InvariantCulture);
                break;
            case 'x':
                digits = mag.ToString("x", CultureInfo.InvariantCulture);
                if (spec.Sharp) prefix = "0x";
                break;
            case 'X':
                digits = mag.ToString("X", CultureInfo.InvariantCulture);
                if (spec.Sharp) prefix = "0X";
                break;
            case 'o' or 'O':
                digits = ToBase(mag, 8);
                if (spec.Verb == 'O') prefix = "0o";
                else if (spec.Sharp && digits != "0") prefix = "0";
                break;
            case 'b':
                digits = ToBase(mag, 2);
                if (spec.Sharp) prefix = "0b";
                break;
            default:
                BadVerb(sb, spec, arg);
                return;
        }
        if (spec.HasPrec)
        {
            if (spec.Prec == 0 && mag == 0) digits = "";
            else if (digits.Length < spec.Prec) digits = new string('0', spec.Prec - digits.Length) + digits;
        }
        string sign = neg ? "-" : spec.Plus ? "+" : spec.Space ? " " : "";
        string body = prefix + digits;
        if (spec.Zero && spec.HasWidth && !spec.HasPrec && !spec.Minus)
        {
            int pad = spec.Width - sign.Length - body.Length;
            if (pad > 0) body = prefix + new string('0', pad) + digits;
            sb.Append(sign).Append(body);
            return;
        }
        Pad(sb, sign + body, spec with { Zero = false });
    }

    private static string ToBase(ulong v, int radix)
    {
        if (v == 0) return "0";
        var chars = new List<char>();
        while (v > 0) { chars.Add((char)('0' + (int)(v % (ulong)radix))); v /= (ulong)radix; }
        chars.Reverse();
        return new string(chars.ToArray());
    }

    private static void FormatFloat(StringBuilder sb, double v, Spec spec, object arg)
    {
        char verb = spec.Verb;
        int prec = spec.HasPrec ? spec.Prec : -1;
        string s;
        switch (verb)
        {
            case 'v':
                s = FloatFormat.Format(v, 'g', prec);
                break;
            case 'e' or 'E':
                s = FloatFormat.Format(v, verb, spec.HasPrec ? prec : 6);
                break;
            case 'f' or 'F':
                s = FloatFormat.Format(v, 'f', spec.HasPrec ? prec : 6);
                break;
            case 'g' or 'G':
                s = FloatFormat.Format(v, verb, prec);
                break;
            case 'x' or 'X':
                s = FloatFormat.FormatHex(v, prec, verb == 'X');
                break;
            default:
                BadVerb(sb, spec, arg);
                return;
        }
        if (spec.Plus && s[0] != '-' && s[0] != '+') s = "+" + s;
        else if (spec.Space && s[0] != '-' && s[0] != '+') s = " " + s;
        else if (s == "+Inf" && !spec.Plus) s = spec.Space ? " Inf" : "+Inf";
        bool finite = double.IsFinite(v);
        Pad(sb, s, spec, zeroAllowed: finite, signAware: true);
    }
}
