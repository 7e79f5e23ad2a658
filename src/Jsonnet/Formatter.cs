using System.Text;

namespace Jsonnet;

/// <summary>std.format and the string % operator (Python-style format codes).</summary>
internal static class Formatter
{
    private sealed class Spec
    {
        public string? Key;
        public bool Alt, Zero, Left, Blank, Plus;
        public int Width;
        public bool WidthStar;
        public int? Precision;
        public bool PrecisionStar;
        public char Type;
    }

    public static string Format(EvalContext ctx, string format, Value vals, SourceSpan? site)
    {
        Thunk[] list = vals switch
        {
            JArray a => a.Items,
            JObject => Array.Empty<Thunk>(),
            _ => new Thunk[] { vals },
        };
        var obj = vals as JObject;
        var sb = new StringBuilder();
        int next = 0;
        int i = 0;
        Value NextValue()
        {
            if (next >= list.Length) throw JsonnetException.Runtime($"Not enough values to format: {list.Length}, expected more than {list.Length}", site);
            return list[next++].Force();
        }
        while (i < format.Length)
        {
            char c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                i++;
                continue;
            }
            var spec = ParseSpec(format, ref i, site);
            if (spec.WidthStar)
            {
                var w = NextValue();
                spec.Width = w is JNumber wn ? (int)wn.Value : throw JsonnetException.Runtime($"A * was specified at position {next - 1}. Expected a number, got {w.TypeName}", site);
            }
            if (spec.PrecisionStar)
            {
                var p = NextValue();
                spec.Precision = p is JNumber pn ? (int)pn.Value : throw JsonnetException.Runtime($"A * was specified at position {next - 1}. Expected a number, got {p.TypeName}", site);
            }
            Value val;
            if (spec.Type == '%')
            {
                val = JNull.Instance;
            }
            else if (spec.Key != null)
            {
                if (obj == null) throw JsonnetException.Runtime("Format with mapping keys requires an object", site);
                val = obj.TryGetField(ctx, spec.Key) ?? throw JsonnetException.Runtime($"No such field: {spec.Key}", site);
            }
            else
            {
                if (obj != null) throw JsonnetException.Runtime("Format with an object needs a mapping key, e.g. %(name)s", site);
                val = NextValue();
            }
            ctx.CheckSize(spec.Width, site);
            ctx.CheckSize(spec.Precision ?? 0, site);
            string s = FormatCode(ctx, val, spec, site);
            if (s.Length < spec.Width)
            {
                var pad = new string(' ', spec.Width - s.Length);
                s = spec.Left ? s + pad : pad + s;
            }
            sb.Append(s);
        }
        if (obj == null && next < list.Length)
        {
            throw JsonnetException.Runtime($"Too many values to format: {list.Length}, expected {next}", site);
        }
        return sb.ToString();
    }

    private static Spec ParseSpec(string f, ref int i, SourceSpan? site)
    {
        var spec = new Spec();
        i++;
        JsonnetException Truncated() => JsonnetException.Runtime("Truncated format code.", site);
        if (i >= f.Length) throw Truncated();
        if (f[i] == '(')
        {
            int close = f.IndexOf(')', i);
            if (close < 0) throw Truncated();
            spec.Key = f[(i + 1)..close];
            i = close + 1;
        }
        for (; i < f.Length; i++)
        {
            char c = f[i];
            if (c == '#') spec.Alt = true;
            else if (c == '0') spec.Zero = true;
            else if (c == '-') spec.Left = true;
            else if (c == ' ') spec.Blank = true;
            else if (c == '+') spec.Plus = true;
            else break;
        }
        if (i < f.Length && f[i] == '*')
        {
            spec.WidthStar = true;
            i++;
        }
        else
        {
            while (i < f.Length && char.IsAsciiDigit(f[i])) spec.Width = spec.Width * 10 + (f[i++] - '0');
        }
        if (i < f.Length && f[i] == '.')
        {
            i++;
            if (i < f.Length && f[i] == '*')
            {
                spec.PrecisionStar = true;
                i++;
            }
            else
            {
                int p = 0;
                while (i < f.Length && char.IsAsciiDigit(f[i])) p = p * 10 + (f[i++] - '0');
                spec.Precision = p;
            }
        }
        while (i < f.Length && (f[i] == 'h' || f[i] == 'l' || f[i] == 'L')) i++;
        if (i >= f.Length) throw Truncated();
        spec.Type = f[i++];
        if ("diouxXeEfFgGcrs%".IndexOf(spec.Type) < 0) throw JsonnetException.Runtime($"Unrecognised conversion type: {spec.Type}", site);
        return spec;
    }

    private static double Number(Value v, Spec spec, SourceSpan? site) =>
        v is JNumber n ? n.Value : throw JsonnetException.Runtime($"Format required number at {spec.Type}, got {v.TypeName}", site);

    private static string FormatCode(EvalContext ctx, Value val, Spec spec, SourceSpan? site)
    {
        int fpprec = spec.Precision ?? 6;
        int iprec = spec.Precision ?? 0;
        int zp = spec.Zero && !spec.Left ? spec.Width : 0;
        switch (spec.Type)
        {
            case '%':
                return "%";
            case 's':
            case 'r':
                return val is JString s ? s.Value : Manifester.ToText(ctx, val);
            case 'd':
            case 'i':
            case 'u':
                return RenderInt(Number(val, spec, site), zp, iprec, spec.Blank, spec.Plus, 10, "");
            case 'o':
                return RenderInt(Number(val, spec, site), zp, iprec, spec.Blank, spec.Plus, 8, spec.Alt ? "0" : "");
            case 'x':
            case 'X':
                return RenderHex(Number(val, spec, site), zp, iprec, spec.Blank, spec.Plus, spec.Alt, spec.Type == 'X');
            case 'f':
            case 'F':
                return RenderFloatDec(Number(val, spec, site), zp, spec.Blank, spec.Plus, spec.Alt, true, fpprec);
            case 'e':
            case 'E':
                return RenderFloatSci(Number(val, spec, site), zp, spec.Blank, spec.Plus, spec.Alt, true, spec.Type == 'E', fpprec);
            case 'g':
            case 'G':
            {
                double v = Number(val, spec, site);
                int exponent = Exponent10(v);
                if (exponent < -4 || exponent >= fpprec)
                {
                    return RenderFloatSci(v, zp, spec.Blank, spec.Plus, spec.Alt, spec.Alt, spec.Type == 'G', fpprec - 1);
                }
                int digitsBeforePoint = Math.Max(1, exponent + 1);
                return RenderFloatDec(v, zp, spec.Blank, spec.Plus, spec.Alt, spec.Alt, fpprec - digitsBeforePoint);
            }
            case 'c':
                if (val is JNumber cn) return Strings.FromCodePoint((int)cn.Value);
                if (val is JString cs && Strings.CodePointLength(cs.Value) == 1) return cs.Value;
                throw JsonnetException.Runtime($"%c expected number / string of length 1, got {val.TypeName}", site);
        }
        throw JsonnetException.Runtime($"Unrecognised conversion type: {spec.Type}", site);
    }

    /// <summary>
    /// The decimal exponent computed as the reference library does (natural logarithms), so that
    /// results agree with it even where rounding makes it one too small (1000 gives 2).
    /// </summary>
    private static int Exponent10(double v) => v == 0 ? 0 : (int)Math.Floor(Math.Log(Math.Abs(v)) / Math.Log(10));

    private static string Digits(double n, int radix)
    {
        n = Math.Floor(n);
        if (n == 0) return "";
        var sb = new StringBuilder();
        while (n > 0)
        {
            int d = (int)(n % radix);
            sb.Insert(0, (char)(d < 10 ? '0' + d : 'a' + d - 10));
            n = Math.Floor(n / radix);
        }
        return sb.ToString();
    }

    private static string Sign(bool negative, bool blank, bool plus) => negative ? "-" : plus ? "+" : blank ? " " : "";

    private static string RenderInt(double value, int minChars, int minDigits, bool blank, bool plus, int radix, string zeroPrefix) =>
        RenderInt(value <= -1, Math.Abs(value), minChars, minDigits, blank, plus, radix, zeroPrefix);

    private static string RenderInt(bool negative, double mag, int minChars, int minDigits, bool blank, bool plus, int radix, string zeroPrefix)
    {
        string dec = Math.Floor(mag) == 0 ? "0" : zeroPrefix + Digits(mag, radix);
        int zp = minChars - (negative || blank || plus ? 1 : 0);
        int zp2 = Math.Max(zp, minDigits);
        return Sign(negative, blank, plus) + dec.PadLeft(zp2, '0');
    }

    private static string RenderHex(double value, int minChars, int minDigits, bool blank, bool plus, bool addZeroX, bool capitals)
    {
        double mag = Math.Abs(value);
        string hex = Math.Floor(mag) == 0 ? "0" : Digits(mag, 16);
        if (capitals) hex = hex.ToUpperInvariant();
        bool negative = value <= -1;
        int zp = minChars - (negative || blank || plus ? 1 : 0) - (addZeroX ? 2 : 0);
        int zp2 = Math.Max(zp, minDigits);
        return Sign(negative, blank, plus) + (addZeroX ? (capitals ? "0X" : "0x") : "") + hex.PadLeft(zp2, '0');
    }

    private static string RenderFloatDec(double value, int zeroPad, bool blank, bool plus, bool ensurePoint, bool trailing, int prec)
    {
        double mag = Math.Abs(value);
        double whole = Math.Floor(mag);
        double scale = Math.Pow(10, prec);
        double frac = Math.Floor((mag - whole) * scale + 0.5);
        if (frac >= scale)
        {
            whole += 1;
            frac -= scale;
        }
        int dotSize = prec == 0 && !ensurePoint ? 0 : 1;
        int zp = zeroPad - prec - dotSize;
        string str = RenderInt(value < 0, whole, zp, 0, blank, plus, 10, "");
        if (prec == 0) return str + (ensurePoint ? "." : "");
        if (trailing || frac > 0)
        {
            string fracStr = (frac == 0 ? "" : Digits(frac, 10)).PadLeft(prec, '0');
            if (!trailing) fracStr = fracStr.TrimEnd('0');
            return str + "." + fracStr;
        }
        return str;
    }

    private static string RenderFloatSci(double value, int zeroPad, bool blank, bool plus, bool ensurePoint, bool trailing, bool caps, int prec)
    {
        int exponent = Exponent10(value);
        // The smallest subnormals need two steps, as 10^-324 itself is zero.
        double mantissa = value == 0 ? 0 : exponent == -324 ? value * 10 / Math.Pow(10, exponent + 1) : value / Math.Pow(10, exponent);
        string suffix = (caps ? "E" : "e") + RenderInt(exponent, 3, 0, false, true, 10, "");
        return RenderFloatDec(mantissa, zeroPad - suffix.Length, blank, plus, ensurePoint, trailing, prec) + suffix;
    }
}
