using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using static GoTemplates.ArgType;

namespace GoTemplates.Sprig;

/// <summary>sprig's string functions. Argument order follows sprig, so the subject string comes last for pipelines.</summary>
internal static class StringFunctions
{
    private const GoTemplates.ArgType Str = GoTemplates.ArgType.String;

    public static void Register(Dictionary<string, TemplateFunction> m)
    {
        m["hello"] = TemplateFunction.Of(() => "Hello!");
        m["upper"] = TemplateFunction.Of(Str, s => ((string)s!).ToUpperInvariant());
        m["lower"] = TemplateFunction.Of(Str, s => ((string)s!).ToLowerInvariant());
        m["title"] = TemplateFunction.Of(Str, s => Title((string)s!));
        m["untitle"] = TemplateFunction.Of(Str, s => Untitle((string)s!));
        m["trim"] = TemplateFunction.Of(Str, s => TrimSpace((string)s!));
        m["trimAll"] = m["trimall"] = TemplateFunction.Of(Str, Str, (a, b) => ((string)b!).Trim(((string)a!).ToCharArray()));
        m["trimSuffix"] = TemplateFunction.Of(Str, Str, (a, b) => ((string)b!).EndsWith((string)a!, StringComparison.Ordinal) ? ((string)b!)[..^((string)a!).Length] : b);
        m["trimPrefix"] = TemplateFunction.Of(Str, Str, (a, b) => ((string)b!).StartsWith((string)a!, StringComparison.Ordinal) ? ((string)b!)[((string)a!).Length..] : b);
        m["replace"] = TemplateFunction.Of(Str, Str, Str, (o, n, s) => Replace((string)s!, (string)o!, (string)n!));
        m["contains"] = TemplateFunction.Of(Str, Str, (sub, s) => ((string)s!).Contains((string)sub!, StringComparison.Ordinal));
        m["hasPrefix"] = TemplateFunction.Of(Str, Str, (sub, s) => ((string)s!).StartsWith((string)sub!, StringComparison.Ordinal));
        m["hasSuffix"] = TemplateFunction.Of(Str, Str, (sub, s) => ((string)s!).EndsWith((string)sub!, StringComparison.Ordinal));
        m["repeat"] = TemplateFunction.Of(Int, Str, (n, s) => Repeat((string)s!, (int)n!));
        m["substr"] = TemplateFunction.Of(Int, Int, Str, (a, b, s) => Substring((int)a!, (int)b!, (string)s!));
        m["nospace"] = TemplateFunction.Of(Str, s => new string(((string)s!).Where(c => !char.IsWhiteSpace(c)).ToArray()));
        m["trunc"] = TemplateFunction.Of(Int, Str, (c, s) => Trunc((int)c!, (string)s!));
        m["abbrev"] = TemplateFunction.Of(Int, Str, (w, s) => Abbrev((int)w!, (string)s!));
        m["abbrevboth"] = TemplateFunction.Of(Int, Int, Str, (l, r, s) => AbbrevBoth((int)l!, (int)r!, (string)s!));
        m["initials"] = TemplateFunction.Of(Str, s => Initials((string)s!));
        m["swapcase"] = TemplateFunction.Of(Str, s => SwapCase((string)s!));
        m["shuffle"] = TemplateFunction.Of(Str, s => Shuffle((string)s!));
        m["snakecase"] = TemplateFunction.Of(Str, s => Delimited((string)s!, '_'));
        m["kebabcase"] = TemplateFunction.Of(Str, s => Delimited((string)s!, '-'));
        m["camelcase"] = TemplateFunction.Of(Str, s => CamelCase((string)s!));
        m["wrap"] = TemplateFunction.Of(Int, Str, (l, s) => Wrap((string)s!, (int)l!, "\n", false));
        m["wrapWith"] = TemplateFunction.Of(Int, Str, Str, (l, sep, s) => Wrap((string)s!, (int)l!, (string)sep!, true));
        m["quote"] = TemplateFunction.Variadics(Any, a => string.Join(" ", a.Where(x => x != null).Select(x => GoQuote.Quote(Conv.Str(x)))));
        m["squote"] = TemplateFunction.Variadics(Any, a => string.Join(" ", a.Where(x => x != null).Select(x => "'" + Conv.Str(x) + "'")));
        m["cat"] = TemplateFunction.Variadics(Any, a => string.Join(" ", a.Where(x => x != null).Select(Conv.Str)));
        m["indent"] = TemplateFunction.Of(Int, Str, (n, s) => Indent((int)n!, (string)s!));
        m["nindent"] = TemplateFunction.Of(Int, Str, (n, s) => "\n" + Indent((int)n!, (string)s!));
        m["plural"] = TemplateFunction.Of(Str, Str, Int, (one, many, n) => (int)n! == 1 ? one : many);
        m["sha1sum"] = TemplateFunction.Of(Str, s => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes((string)s!))));
        m["sha256sum"] = TemplateFunction.Of(Str, s => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((string)s!))));
        m["adler32sum"] = TemplateFunction.Of(Str, s => Adler32(Encoding.UTF8.GetBytes((string)s!)).ToString(CultureInfo.InvariantCulture));
        m["toString"] = TemplateFunction.Of(Any, v => Conv.Str(v));
        m["atoi"] = TemplateFunction.Of(Str, s => int.TryParse((string)s!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i) ? i : 0);
        m["int64"] = TemplateFunction.Of(Any, v => Conv.ToInt64(v));
        m["int"] = TemplateFunction.Of(Any, v => Conv.ToInt(v));
        m["float64"] = TemplateFunction.Of(Any, v => Conv.ToFloat64(v));
        m["toDecimal"] = TemplateFunction.Of(Any, v => ToDecimal(v));
        m["split"] = TemplateFunction.Of(Str, Str, (sep, s) => Indexed(Split((string)s!, (string)sep!, -1)));
        m["splitList"] = TemplateFunction.Of(Str, Str, (sep, s) => Split((string)s!, (string)sep!, -1));
        m["splitn"] = TemplateFunction.Of(Str, Int, Str, (sep, n, s) => Indexed(Split((string)s!, (string)sep!, (int)n!)));
        m["toStrings"] = TemplateFunction.Of(Any, v => StrSlice(v));
        m["join"] = TemplateFunction.Of(Str, Any, (sep, v) => string.Join((string)sep!, StrSlice(v)));
        m["sortAlpha"] = TemplateFunction.Of(Any, SortAlpha);
        m["fail"] = TemplateFunction.Of(Str, msg => throw new TemplateFunctionException((string)msg!));
    }

    // Go's unicode.IsSpace set, used by strings.TrimSpace and strings.Fields.
    private static bool IsGoSpace(char c) => c is '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or '\u0085' or '\u00A0' || (c > 0xff && char.IsWhiteSpace(c));

    private static string TrimSpace(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsGoSpace(s[start])) start++;
        while (end > start && IsGoSpace(s[end - 1])) end--;
        return s[start..end];
    }

    private static string Replace(string s, string old, string @new)
    {
        if (old.Length > 0) return s.Replace(old, @new, StringComparison.Ordinal);
        // Go inserts the replacement before every rune and at the end when the old string is empty.
        var sb = new StringBuilder();
        foreach (var r in s.EnumerateRunes()) sb.Append(@new).Append(r.ToString());
        sb.Append(@new);
        return sb.ToString();
    }

    private static string Repeat(string s, int n)
    {
        if (n < 0) throw new TemplateFunctionException("strings: negative Repeat count");
        return string.Concat(Enumerable.Repeat(s, n));
    }

    private static bool IsSeparator(Rune r)
    {
        if (r.Value <= 0x7F)
        {
            char c = (char)r.Value;
            return !(char.IsAsciiLetterOrDigit(c) || c == '_');
        }
        if (Rune.IsLetter(r) || Rune.IsDigit(r)) return false;
        return Rune.IsWhiteSpace(r);
    }

    /// <summary>Go's strings.Title: the first letter of every word in title case.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var prev = new Rune(' ');
        foreach (var r in s.EnumerateRunes())
        {
            sb.Append((IsSeparator(prev) ? Rune.ToUpperInvariant(r) : r).ToString());
            prev = r;
        }
        return sb.ToString();
    }

    private static string Untitle(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool gap = true;
        foreach (var r in s.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(r)) { gap = true; sb.Append(r.ToString()); continue; }
            sb.Append((gap ? Rune.ToLowerInvariant(r) : r).ToString());
            gap = false;
        }
        return sb.ToString();
    }

    private static string SwapCase(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var r in s.EnumerateRunes())
        {
            if (Rune.IsUpper(r)) sb.Append(Rune.ToLowerInvariant(r).ToString());
            else if (Rune.IsLower(r)) sb.Append(Rune.ToUpperInvariant(r).ToString());
            else sb.Append(r.ToString());
        }
        return sb.ToString();
    }

    private static string Initials(string s)
    {
        var sb = new StringBuilder();
        bool gap = true;
        foreach (var r in s.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(r)) gap = true;
            else if (gap) { sb.Append(r.ToString()); gap = false; }
        }
        return sb.ToString();
    }

    private static string Shuffle(string s)
    {
        var runes = s.EnumerateRunes().ToArray();
        Random.Shared.Shuffle(runes);
        return string.Concat(runes.Select(r => r.ToString()));
    }

    /// <summary>snake_case / kebab-case: words split at case changes and separators, lower-cased and joined.</summary>
    public static string Delimited(string s, char delimiter)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        void Flush()
        {
            if (current.Length > 0) words.Add(current.ToString());
            current.Clear();
        }
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is ' ' or '_' or '-' or '.' || char.IsWhiteSpace(c))
            {
                Flush();
                continue;
            }
            if (char.IsUpper(c) && current.Length > 0)
            {
                char prev = s[i - 1];
                bool nextLower = i + 1 < s.Length && char.IsLower(s[i + 1]);
                if (char.IsLower(prev) || char.IsDigit(prev) || (char.IsUpper(prev) && nextLower)) Flush();
            }
            current.Append(char.ToLowerInvariant(c));
        }
        Flush();
        return string.Join(delimiter, words);
    }

    /// <summary>camelcase: words separated by space, underscore or hyphen become "SomeWords".</summary>
    public static string CamelCase(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool upperNext = true;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is '_' or ' ' or '-')
            {
                // Separators at the start or end, or repeated ones, keep one underscore.
                bool edge = i == 0 || i == s.Length - 1 || (i + 1 < s.Length && s[i + 1] is '_' or ' ' or '-');
                if (edge && c == '_') sb.Append('_');
                upperNext = true;
                continue;
            }
            sb.Append(upperNext ? char.ToUpperInvariant(c) : c);
            upperNext = false;
        }
        return sb.ToString();
    }

    private static string Substring(int start, int end, string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        if (start < 0) return Slice(b, 0, end);
        if (end < 0 || end > b.Length) return Slice(b, start, b.Length);
        return Slice(b, start, end);
    }

    private static string Slice(byte[] b, int start, int end)
    {
        if (start < 0 || end > b.Length || start > end)
            throw new TemplateFunctionException($"runtime error: slice bounds out of range [{start}:{end}]");
        return Encoding.UTF8.GetString(b, start, end - start);
    }

    private static string Trunc(int c, string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        if (c < 0 && b.Length + c > 0) return Encoding.UTF8.GetString(b, b.Length + c, -c);
        if (c >= 0 && b.Length > c) return Encoding.UTF8.GetString(b, 0, c);
        return s;
    }

    private static string Abbrev(int width, string s)
    {
        if (width < 4) return s;
        return AbbreviateFull(s, 0, width);
    }

    private static string AbbrevBoth(int left, int right, string s)
    {
        if (right < 4 || (left > 0 && right < 7)) return s;
        return AbbreviateFull(s, left, right);
    }

    private static string AbbreviateFull(string str, int offset, int maxWidth)
    {
        if (str.Length == 0) return "";
        if (str.Length <= maxWidth) return str;
        if (offset > str.Length) offset = str.Length;
        if (str.Length - offset < maxWidth - 3) offset = str.Length - (maxWidth - 3);
        if (offset <= 4) return str[..(maxWidth - 3)] + "...";
        if (offset + maxWidth - 3 < str.Length) return "..." + AbbreviateFull(str[offset..], 0, maxWidth - 3);
        return "..." + str[(str.Length - (maxWidth - 3))..];
    }

    private static string Wrap(string str, int wrapLength, string newLine, bool wrapLongWords)
    {
        if (str.Length == 0) return "";
        if (newLine.Length == 0) newLine = "\n";
        if (wrapLength < 1) wrapLength = 1;
        int length = str.Length, offset = 0;
        var sb = new StringBuilder();
        while (length - offset > wrapLength)
        {
            if (str[offset] == ' ') { offset++; continue; }
            int end = Math.Min(wrapLength + offset + 1, length);
            int space = str.LastIndexOf(' ', end - 1, end - offset);
            if (space >= offset)
            {
                sb.Append(str, offset, space - offset).Append(newLine);
                offset = space + 1;
            }
            else if (wrapLongWords)
            {
                sb.Append(str, offset, wrapLength).Append(newLine);
                offset += wrapLength;
            }
            else
            {
                int next = str.IndexOf(' ', wrapLength + offset);
                if (next < 0)
                {
                    sb.Append(str, offset, length - offset);
                    offset = length;
                }
                else
                {
                    sb.Append(str, offset, next - offset).Append(newLine);
                    offset = next + 1;
                }
            }
        }
        sb.Append(str, offset, length - offset);
        return sb.ToString();
    }

    private static string Indent(int spaces, string s)
    {
        string pad = new(' ', Math.Max(spaces, 0));
        return pad + s.Replace("\n", "\n" + pad, StringComparison.Ordinal);
    }

    private static uint Adler32(byte[] data)
    {
        uint a = 1, b = 0;
        foreach (byte x in data)
        {
            a = (a + x) % 65521;
            b = (b + a) % 65521;
        }
        return (b << 16) | a;
    }

    private static long ToDecimal(object? v)
    {
        try
        {
            return Convert.ToInt64(Conv.Str(v), 8);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return 0;
        }
    }

    private static List<object?> Split(string s, string sep, int n)
    {
        if (n == 0) return [];
        IEnumerable<string> parts;
        if (sep.Length == 0)
        {
            var runes = s.EnumerateRunes().Select(r => r.ToString()).ToList();
            if (n > 0 && runes.Count > n) runes = [.. runes.Take(n - 1), string.Concat(runes.Skip(n - 1))];
            parts = runes;
        }
        else parts = n > 0 ? s.Split(sep, n) : s.Split(sep);
        return parts.Cast<object?>().ToList();
    }

    private static Dictionary<string, object?> Indexed(List<object?> parts)
    {
        var d = new Dictionary<string, object?>();
        for (int i = 0; i < parts.Count; i++) d["_" + i.ToString(CultureInfo.InvariantCulture)] = parts[i];
        return d;
    }

    /// <summary>sprig's strslice: a list's non-nil elements as strings, or a lone value as a one-element list.</summary>
    public static List<object?> StrSlice(object? v)
    {
        if (v is null or Missing) return [];
        if (Conv.AsList(v) is { } list) return list.Cast<object?>().Where(x => x != null).Select(x => (object?)Conv.Str(x)).ToList();
        return [Conv.Str(v)];
    }

    private static object SortAlpha(object? v)
    {
        if (Conv.AsList(v) is null) return new List<object?> { Conv.Str(v) };
        var s = StrSlice(v).Cast<string>().ToList();
        s.Sort(string.CompareOrdinal);
        return s.Cast<object?>().ToList();
    }
}
