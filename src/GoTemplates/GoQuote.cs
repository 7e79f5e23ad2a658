using System.Globalization;
using System.Text;

namespace GoTemplates;

/// <summary>Go's string quoting and unquoting rules (strconv.Quote and strconv.Unquote).</summary>
public static class GoQuote
{
    public static string Quote(string s) => Quote(s, '"', asciiOnly: false);

    public static string Quote(string s, char quote, bool asciiOnly)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append(quote);
        for (int i = 0; i < s.Length; i++)
        {
            int r = s[i];
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                r = char.ConvertToUtf32(s[i], s[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(s[i])) r = 0xFFFD;
            AppendQuotedRune(sb, r, quote, asciiOnly);
        }
        sb.Append(quote);
        return sb.ToString();
    }

    public static void AppendQuotedRune(StringBuilder sb, int r, char quote, bool asciiOnly)
    {
        if (r == quote || r == '\\') { sb.Append('\\').Append((char)r); return; }
        if (asciiOnly ? (r < 0x80 && IsPrint(r)) : IsPrint(r)) { sb.Append(char.ConvertFromUtf32(r)); return; }
        switch (r)
        {
            case '\a': sb.Append("\\a"); return;
            case '\b': sb.Append("\\b"); return;
            case '\f': sb.Append("\\f"); return;
            case '\n': sb.Append("\\n"); return;
            case '\r': sb.Append("\\r"); return;
            case '\t': sb.Append("\\t"); return;
            case '\v': sb.Append("\\v"); return;
        }
        if (r < ' ' || r == 0x7f) sb.Append("\\x").Append(r.ToString("x2"));
        else if (r < 0x10000) sb.Append("\\u").Append(r.ToString("x4"));
        else sb.Append("\\U").Append(r.ToString("x8"));
    }

    /// <summary>An approximation of Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    public static bool IsPrint(int r)
    {
        if (r == ' ') return true;
        if (r < 0x20 || r == 0x7f) return false;
        if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return false;
        var cat = CharUnicodeInfo.GetUnicodeCategory(r);
        return cat switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }

    /// <summary>Go's %#U form, such as <c>U+0021 '!'</c>.</summary>
    public static string UnicodeName(int r)
    {
        string hex = "U+" + r.ToString("X4");
        return IsPrint(r) ? hex + " '" + char.ConvertFromUtf32(r) + "'" : hex;
    }

    /// <summary>Decodes a Go string, raw string or character literal; returns null when malformed.</summary>
    public static string? Unquote(string s)
    {
        if (s.Length < 2) return null;
        char q = s[0];
        if (q != s[^1]) return null;
        string body = s[1..^1];
        if (q == '`') return body.Contains('`') ? null : body.Replace("\r", "");
        if (q != '"' && q != '\'') return null;
        var sb = new StringBuilder(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c == q || c == '\n') return null;
            if (c != '\\') { sb.Append(c); continue; }
            if (++i >= body.Length) return null;
            char e = body[i];
            switch (e)
            {
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': sb.Append('\\'); break;
                case '\'' or '"':
                    if (e != q) return null;
                    sb.Append(e);
                    break;
                case 'x' or 'u' or 'U':
                {
                    int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    string hex = body.Substring(i + 1, Math.Min(n, body.Length - i - 1));
                    if (hex.Length != n || !int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int v)) return null;
                    i += n;
                    if (e == 'x')
                    {
                        // A byte escape; bytes above 0x7f are not valid UTF-8 on their own.
                        sb.Append(v < 0x80 ? (char)v : '\uFFFD');
                    }
                    else
                    {
                        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return null;
                        sb.Append(char.ConvertFromUtf32(v));
                    }
                    break;
                }
                case >= '0' and <= '7':
                {
                    if (i + 2 >= body.Length) return null;
                    string oct = body.Substring(i, 3);
                    int v = 0;
                    foreach (char o in oct)
                    {
                        if (o < '0' || o > '7') return null;
                        v = v * 8 + (o - '0');
                    }
                    if (v > 255) return null;
                    i += 2;
                    sb.Append(v < 0x80 ? (char)v : '\uFFFD');
                    break;
                }
                default:
                    return null;
            }
        }
        string result = sb.ToString();
        if (q == '\'' && CountRunes(result) != 1) return null;
        return result;
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
}
