using System.Globalization;
using System.Text;

namespace GoTemplates.Html;

/// <summary>The escaping functions html/template inserts into actions, by the names Go gives them.</summary>
internal static class EscapeFunctions
{
    public const string FilterFailsafe = "ZgotmplZ";

    public static readonly IReadOnlyDictionary<string, TemplateFunction> All = new Dictionary<string, TemplateFunction>
    {
        ["_html_template_attrescaper"] = Escaper(HtmlEscape),
        ["_html_template_commentescaper"] = Escaper(_ => ""),
        ["_html_template_cssescaper"] = Escaper(CssEscape),
        ["_html_template_cssvaluefilter"] = Escaper(CssValueFilter),
        ["_html_template_htmlnamefilter"] = Escaper(HtmlNameFilter),
        ["_html_template_htmlescaper"] = Escaper(HtmlEscape),
        ["_html_template_jsregexpescaper"] = Escaper(JsRegexpEscape),
        ["_html_template_jsstrescaper"] = Escaper(JsStrEscape),
        ["_html_template_jsvalescaper"] = new([], JsValEscape, ArgType.Any),
        ["_html_template_nospaceescaper"] = Escaper(HtmlNospaceEscape),
        ["_html_template_rcdataescaper"] = Escaper(HtmlEscape),
        ["_html_template_srcsetescaper"] = Escaper(SrcsetEscape),
        ["_html_template_urlescaper"] = Escaper(s => UrlProcess(s, false)),
        ["_html_template_urlfilter"] = Escaper(UrlFilter),
        ["_html_template_urlnormalizer"] = Escaper(s => UrlProcess(s, true)),
        ["_eval_args_"] = new([], a => a.Length == 1 && a[0] is string s ? s : GoFormat.Sprint(a), ArgType.Any),
    };

    private static TemplateFunction Escaper(Func<string, string> f) => new([], args => f(Stringify(args)), ArgType.Any);

    /// <summary>Turns arguments into text; nil arguments are skipped, as Go does.</summary>
    public static string Stringify(object?[] args)
    {
        if (args.Length == 1 && args[0] is string s) return s;
        var kept = args.Where(a => a != null && a is not Missing).ToArray();
        return GoFormat.Sprint(kept);
    }

    private static string Replace(string s, Func<char, string?> table)
    {
        StringBuilder? sb = null;
        int written = 0;
        for (int i = 0; i < s.Length; i++)
        {
            string? repl = table(s[i]);
            if (repl == null) continue;
            sb ??= new StringBuilder(s.Length + 16);
            sb.Append(s, written, i - written).Append(repl);
            written = i + 1;
        }
        if (sb == null) return s;
        sb.Append(s, written, s.Length - written);
        return sb.ToString();
    }

    public static string HtmlEscape(string s) => Replace(s, c => c switch
    {
        '\0' => "\uFFFD",
        '"' => "&#34;",
        '&' => "&amp;",
        '\'' => "&#39;",
        '+' => "&#43;",
        '<' => "&lt;",
        '>' => "&gt;",
        _ => null,
    });

    public static string HtmlNospaceEscape(string s)
    {
        return Replace(s, c => c switch
        {
            '\0' => "&#xfffd;",
            '\t' => "&#9;",
            '\n' => "&#10;",
            '\v' => "&#11;",
            '\f' => "&#12;",
            '\r' => "&#13;",
            ' ' => "&#32;",
            '"' => "&#34;",
            '&' => "&amp;",
            '\'' => "&#39;",
            '+' => "&#43;",
            '<' => "&lt;",
            '=' => "&#61;",
            '>' => "&gt;",
            '`' => "&#96;",
            _ => null,
        });
    }

    public static string HtmlNameFilter(string s)
    {
        if (s.Length == 0) return FilterFailsafe;
        s = s.ToLowerInvariant();
        if (Transitions.AttrType(s) != Transitions.ContentType.Plain) return FilterFailsafe;
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c) && !char.IsAsciiLetterLower(c)) return FilterFailsafe;
        }
        return s;
    }

    public static bool IsSafeUrl(string s)
    {
        int colon = s.IndexOf(':');
        if (colon >= 0 && !s[..colon].Contains('/'))
        {
            string protocol = s[..colon];
            if (!protocol.Equals("http", StringComparison.OrdinalIgnoreCase) &&
                !protocol.Equals("https", StringComparison.OrdinalIgnoreCase) &&
                !protocol.Equals("mailto", StringComparison.OrdinalIgnoreCase))
                return false;
        }
        return true;
    }

    public static string UrlFilter(string s) => IsSafeUrl(s) ? s : "#" + FilterFailsafe;

    public static string UrlProcess(string s, bool norm)
    {
        if (NeedsNoUrlEscaping(s, norm)) return s;
        var sb = new StringBuilder(s.Length + 16);
        UrlProcessOnto(s, norm, sb);
        return sb.ToString();
    }

    private static bool NeedsNoUrlEscaping(string s, bool norm)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~') continue;
            if (norm && c is '!' or '#' or '$' or '&' or '*' or '+' or ',' or '/' or ':' or ';' or '=' or '?' or '@' or '[' or ']') continue;
            if (norm && c == '%' && i + 2 < s.Length && char.IsAsciiHexDigit(s[i + 1]) && char.IsAsciiHexDigit(s[i + 2])) continue;
            return false;
        }
        return true;
    }

    private static bool IsHex(byte c) => c is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static void UrlProcessOnto(string s, bool norm, StringBuilder sb)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        int written = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            byte c = bytes[i];
            switch ((char)c)
            {
                case '!' or '#' or '$' or '&' or '*' or '+' or ',' or '/' or ':' or ';' or '=' or '?' or '@' or '[' or ']':
                    if (norm) continue;
                    break;
                case '-' or '.' or '_' or '~':
                    continue;
                case '%':
                    if (norm && i + 2 < bytes.Length && IsHex(bytes[i + 1]) && IsHex(bytes[i + 2])) continue;
                    break;
                default:
                    if (char.IsAsciiLetterOrDigit((char)c)) continue;
                    break;
            }
            sb.Append(Encoding.UTF8.GetString(bytes, written, i - written));
            sb.Append('%').Append(c.ToString("x2", CultureInfo.InvariantCulture));
            written = i + 1;
        }
        sb.Append(Encoding.UTF8.GetString(bytes, written, bytes.Length - written));
    }

    private static bool IsHtmlSpace(char c) => c is ' ' or '\t' or '\n' or '\f' or '\r';

    public static string SrcsetEscape(string s)
    {
        var sb = new StringBuilder();
        int written = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == ',')
            {
                SrcsetElement(s, written, i, sb);
                sb.Append(',');
                written = i + 1;
            }
        }
        SrcsetElement(s, written, s.Length, sb);
        return sb.ToString();
    }

    private static void SrcsetElement(string s, int left, int right, StringBuilder sb)
    {
        int start = left;
        while (start < right && IsHtmlSpace(s[start])) start++;
        int end = right;
        for (int i = start; i < right; i++)
        {
            if (IsHtmlSpace(s[i])) { end = i; break; }
        }
        string url = s[start..end];
        if (IsSafeUrl(url))
        {
            bool metadataOk = true;
            for (int i = end; i < right; i++)
            {
                if (!IsHtmlSpace(s[i]) && !char.IsAsciiLetterOrDigit(s[i])) { metadataOk = false; break; }
            }
            if (metadataOk)
            {
                sb.Append(s, left, start - left);
                UrlProcessOnto(url, true, sb);
                sb.Append(s, end, right - end);
                return;
            }
        }
        sb.Append('#').Append(FilterFailsafe);
    }

    public static string JsStrEscape(string s) => Replace(s, c => c switch
    {
        '\0' => @"\u0000",
        '\t' => @"\t",
        '\n' => @"\n",
        '\v' => @"\u000b",
        '\f' => @"\f",
        '\r' => @"\r",
        '"' => @"\u0022",
        '`' => @"\u0060",
        '&' => @"\u0026",
        '\'' => @"\u0027",
        '+' => @"\u002b",
        '/' => @"\/",
        '<' => @"\u003c",
        '>' => @"\u003e",
        '\\' => @"\\",
        '\u2028' => @"\u2028",
        '\u2029' => @"\u2029",
        _ => null,
    });

    public static string JsRegexpEscape(string s)
    {
        string r = Replace(s, c => c switch
        {
            '\0' => @"\u0000",
            '\t' => @"\t",
            '\n' => @"\n",
            '\v' => @"\u000b",
            '\f' => @"\f",
            '\r' => @"\r",
            '"' => @"\u0022",
            '`' => @"\u0060",
            '$' => @"\$",
            '&' => @"\u0026",
            '\'' => @"\u0027",
            '(' => @"\(",
            ')' => @"\)",
            '*' => @"\*",
            '+' => @"\u002b",
            '-' => @"\-",
            '.' => @"\.",
            '/' => @"\/",
            '<' => @"\u003c",
            '>' => @"\u003e",
            '?' => @"\?",
            '[' => @"\[",
            '\\' => @"\\",
            ']' => @"\]",
            '^' => @"\^",
            '{' => @"\{",
            '|' => @"\|",
            '}' => @"\}",
            '\u2028' => @"\u2028",
            '\u2029' => @"\u2029",
            _ => null,
        });
        return r.Length == 0 ? "(?:)" : r;
    }

    private static bool IsJsIdentPart(int r) => r == '$' || r == '_' || r < 0x80 && char.IsAsciiLetterOrDigit((char)r) || r >= 0x80 && char.IsLetter(char.ConvertFromUtf32(r), 0);

    public static object? JsValEscape(object?[] args)
    {
        object? a;
        if (args.Length == 1) a = args[0] is Missing ? null : args[0];
        else a = GoFormat.Sprint(args.Select(x => x is Missing ? null : x).ToArray());
        string b;
        try
        {
            b = GoJson.Marshal(a);
        }
        catch (TemplateFunctionException e)
        {
            return $" /* {e.Message.Replace("*/", "* /")} */null ";
        }
        if (b.Length == 0) return " null ";
        int first = char.ConvertToUtf32(b, 0);
        int last = char.IsLowSurrogate(b[^1]) && b.Length > 1 ? char.ConvertToUtf32(b[^2], b[^1]) : b[^1];
        bool pad = IsJsIdentPart(first) || IsJsIdentPart(last);
        return pad ? " " + b + " " : b;
    }

    public static string CssEscape(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            string? repl = s[i] switch
            {
                '\0' => @"\0",
                '\t' => @"\9",
                '\n' => @"\a",
                '\f' => @"\c",
                '\r' => @"\d",
                '"' => @"\22",
                '&' => @"\26",
                '\'' => @"\27",
                '(' => @"\28",
                ')' => @"\29",
                '+' => @"\2b",
                '/' => @"\2f",
                ':' => @"\3a",
                ';' => @"\3b",
                '<' => @"\3c",
                '>' => @"\3e",
                '\\' => @"\\",
                '{' => @"\7b",
                '}' => @"\7d",
                _ => null,
            };
            if (repl == null) { sb.Append(s[i]); continue; }
            sb.Append(repl);
            int next = i + 1;
            if (repl != @"\\" && (next == s.Length || char.IsAsciiHexDigit(s[next]) || s[next] is ' ' or '\t' or '\n' or '\f' or '\r'))
                sb.Append(' ');
        }
        return sb.ToString();
    }

    public static string CssValueFilter(string s)
    {
        var id = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '\0' or '"' or '\'' or '(' or ')' or '/' or ';' or '@' or '[' or '\\' or ']' or '`' or '{' or '}' or '<' or '>':
                    return FilterFailsafe;
                case '-':
                    if (i != 0 && s[i - 1] == '-') return FilterFailsafe;
                    id.Append(c);
                    break;
                default:
                    if (c < 0x80 && (char.IsAsciiLetterOrDigit(c) || c == '_')) id.Append(c);
                    break;
            }
        }
        string lower = id.ToString().ToLowerInvariant();
        if (lower.Contains("expression") || lower.Contains("mozbinding")) return FilterFailsafe;
        return s;
    }
}
