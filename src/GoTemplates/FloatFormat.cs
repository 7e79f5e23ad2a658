using System.Globalization;
using System.Numerics;
using System.Text;

namespace GoTemplates;

/// <summary>Formats float64 values exactly as Go's strconv.FormatFloat does for the 'e', 'f' and 'g' formats.</summary>
public static class FloatFormat
{
    /// <summary>Decimal digits (no leading or trailing zeros) and the position of the decimal point.</summary>
    private readonly record struct Digits(string D, int DecimalPoint);

    public static string Format(double v, char fmt, int prec)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsPositiveInfinity(v)) return "+Inf";
        if (double.IsNegativeInfinity(v)) return "-Inf";
        bool neg = v < 0 || (v == 0 && double.IsNegative(v));
        v = Math.Abs(v);
        bool shortest = prec < 0;
        Digits digs;
        if (shortest)
        {
            digs = ShortestDigits(v);
            prec = fmt switch
            {
                'e' or 'E' => Math.Max(digs.D.Length - 1, 0),
                'f' => Math.Max(digs.D.Length - digs.DecimalPoint, 0),
                _ => digs.D.Length,
            };
        }
        else
        {
            var exact = ExactDigits(v);
            int keep = fmt switch
            {
                'e' or 'E' => prec + 1,
                'f' => exact.DecimalPoint + prec,
                _ => prec == 0 ? 1 : prec,
            };
            if (fmt is 'g' or 'G' && prec == 0) prec = 1;
            digs = Round(exact, keep);
        }
        var sb = new StringBuilder();
        if (neg) sb.Append('-');
        switch (fmt)
        {
            case 'e' or 'E':
                AppendE(sb, digs, prec, fmt);
                break;
            case 'f':
                AppendF(sb, digs, prec);
                break;
            default:
            {
                int eprec = prec;
                if (eprec > digs.D.Length && digs.D.Length >= digs.DecimalPoint) eprec = digs.D.Length;
                if (shortest) eprec = 6;
                int exp = digs.DecimalPoint - 1;
                if (digs.D.Length == 0) exp = 0;
                if (exp < -4 || exp >= eprec)
                {
                    if (prec > digs.D.Length) prec = digs.D.Length;
                    AppendE(sb, digs, Math.Max(prec - 1, 0), fmt == 'g' ? 'e' : 'E');
                }
                else
                {
                    if (prec > digs.DecimalPoint) prec = digs.D.Length;
                    AppendF(sb, digs, Math.Max(prec - digs.DecimalPoint, 0));
                }
                break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Go's %x for floats: a hexadecimal mantissa and a binary exponent, such as 0x1.cp+01.</summary>
    public static string FormatHex(double v, int prec, bool upper)
    {
        if (!double.IsFinite(v)) return Format(v, 'g', -1);
        bool neg = v < 0 || (v == 0 && double.IsNegative(v));
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(v));
        int exp = (int)((bits >> 52) & 0x7FF);
        ulong mant = (ulong)(bits & 0xFFFFFFFFFFFFFL);
        if (v == 0) exp = 0;
        else if (exp == 0)
        {
            // Normalise a subnormal number.
            exp = -1022;
            while ((mant & (1UL << 52)) == 0) { mant <<= 1; exp--; }
            mant &= 0xFFFFFFFFFFFFFUL;
        }
        else exp -= 1023;
        string frac = mant.ToString("x13", CultureInfo.InvariantCulture);
        int lead = v == 0 ? 0 : 1;
        if (prec >= 0 && prec < 13)
        {
            // Round the 52-bit fraction to prec hex digits, halves to even.
            int drop = (13 - prec) * 4;
            ulong full = ((ulong)lead << 52) | mant;
            ulong half = 1UL << (drop - 1);
            ulong rem = full & ((1UL << drop) - 1);
            full >>= drop;
            if (rem > half || (rem == half && (full & 1) == 1)) full++;
            if (full >> (prec * 4) > 1) { full >>= 1; exp++; }
            lead = (int)(full >> (prec * 4));
            frac = prec == 0 ? "" : (full & ((1UL << (prec * 4)) - 1)).ToString("x" + prec, CultureInfo.InvariantCulture);
        }
        else if (prec < 0) frac = frac.TrimEnd('0');
        else frac = frac.PadRight(prec, '0');
        var sb = new StringBuilder();
        if (neg) sb.Append('-');
        sb.Append("0x").Append(lead);
        if (frac.Length > 0) sb.Append('.').Append(frac);
        sb.Append('p').Append(exp < 0 ? '-' : '+');
        int e = Math.Abs(exp);
        if (e < 10) sb.Append('0');
        sb.Append(e.ToString(CultureInfo.InvariantCulture));
        string result = sb.ToString();
        return upper ? result.ToUpperInvariant() : result;
    }

    private static void AppendE(StringBuilder sb, Digits d, int prec, char e)
    {
        sb.Append(d.D.Length == 0 ? '0' : d.D[0]);
        if (prec > 0)
        {
            sb.Append('.');
            for (int i = 1; i <= prec; i++) sb.Append(i < d.D.Length ? d.D[i] : '0');
        }
        sb.Append(e);
        int exp = d.D.Length == 0 ? 0 : d.DecimalPoint - 1;
        sb.Append(exp < 0 ? '-' : '+');
        exp = Math.Abs(exp);
        if (exp < 10) sb.Append('0');
        sb.Append(exp.ToString(CultureInfo.InvariantCulture));
    }

    private static void AppendF(StringBuilder sb, Digits d, int prec)
    {
        if (d.DecimalPoint > 0)
        {
            for (int i = 0; i < d.DecimalPoint; i++) sb.Append(i < d.D.Length ? d.D[i] : '0');
        }
        else sb.Append('0');
        if (prec > 0)
        {
            sb.Append('.');
            for (int i = 0; i < prec; i++)
            {
                int j = d.DecimalPoint + i;
                sb.Append(j >= 0 && j < d.D.Length ? d.D[j] : '0');
            }
        }
    }

    private static Digits ShortestDigits(double v)
    {
        if (v == 0) return new Digits("", 0);
        string s = v.ToString("R", CultureInfo.InvariantCulture);
        int exp = 0;
        int e = s.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exp = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..e];
        }
        int dot = s.IndexOf('.');
        int intLen = dot < 0 ? s.Length : dot;
        string digits = s.Replace(".", "");
        int dp = intLen + exp;
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') { lead++; dp--; }
        digits = digits[lead..].TrimEnd('0');
        return new Digits(digits, dp);
    }

    private static Digits ExactDigits(double v)
    {
        if (v == 0) return new Digits("", 0);
        long bits = BitConverter.DoubleToInt64Bits(v);
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0) exponent++;
        else mantissa |= 1L << 52;
        exponent -= 1075;
        string digits;
        int dp;
        if (exponent >= 0)
        {
            digits = (new BigInteger(mantissa) << exponent).ToString(CultureInfo.InvariantCulture);
            dp = digits.Length;
        }
        else
        {
            digits = (new BigInteger(mantissa) * BigInteger.Pow(5, -exponent)).ToString(CultureInfo.InvariantCulture);
            dp = digits.Length + exponent;
        }
        digits = digits.TrimEnd('0');
        return new Digits(digits, dp);
    }

    /// <summary>Rounds to <paramref name="nd"/> significant digits, halves to even, like Go's decimal rounding.</summary>
    private static Digits Round(Digits d, int nd)
    {
        if (nd < 0) return new Digits("", 0);
        if (nd >= d.D.Length) return d;
        bool up;
        if (d.D[nd] > '5') up = true;
        else if (d.D[nd] < '5') up = false;
        else if (nd + 1 < d.D.Length) up = true;
        else up = nd > 0 && (d.D[nd - 1] - '0') % 2 == 1;
        if (!up)
        {
            return new Digits(d.D[..nd].TrimEnd('0'), d.DecimalPoint);
        }
        var chars = d.D[..nd].ToCharArray();
        int i = nd - 1;
        while (i >= 0 && chars[i] == '9') i--;
        if (i < 0) return new Digits("1", d.DecimalPoint + 1);
        chars[i]++;
        return new Digits(new string(chars, 0, i + 1), d.DecimalPoint);
    }
}
