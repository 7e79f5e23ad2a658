using System.Globalization;
using System.Text;

namespace Jsonnet;

internal static partial class StdLib
{
    private static void RegisterStrings()
    {
        Add("toString", new[] { "a" }, (ctx, a, site) => a[0].Force() is JString s ? s : S(Manifester.ToText(ctx, a[0].Force())));
        Add("codepoint", new[] { "str" }, (ctx, a, site) =>
        {
            var s = Str(a[0], "codepoint", "str", site);
            if (Strings.CodePointLength(s) != 1) throw JsonnetException.Runtime($"codepoint takes a string of length 1, got length {Strings.CodePointLength(s)}", site);
            return N(char.ConvertToUtf32(s, 0));
        });
        Add("char", new[] { "n" }, (ctx, a, site) =>
        {
            double n = Num(a[0], "char", "n", site);
            if (n < 0 || n > 0x10FFFF || n != Math.Floor(n)) throw JsonnetException.Runtime($"Invalid unicode codepoint, got {Manifester.FormatNumber(n)}", site);
            int cp = (int)n;
            return S(cp >= 0xD800 && cp < 0xE000 ? ((char)cp).ToString() : char.ConvertFromUtf32(cp));
        });
        Add("substr", new[] { "str", "from", "len" }, (ctx, a, site) =>
        {
            var s = Str(a[0], "substr", "str", site);
            double from = Num(a[1], "substr", "from", site), len = Num(a[2], "substr", "len", site);
            if (from != Math.Floor(from) || from < 0) throw JsonnetException.Runtime($"substr second parameter should be a non-negative integer, got {Manifester.FormatNumber(from)}", site);
            if (len != Math.Floor(len) || len < 0) throw JsonnetException.Runtime($"substr third parameter should be a non-negative integer, got {Manifester.FormatNumber(len)}", site);
            return S(Strings.Substring(s, (int)Math.Min(from, int.MaxValue), (int)Math.Min(len, int.MaxValue)));
        });
        Add("findSubstr", new[] { "pat", "str" }, (ctx, a, site) =>
        {
            var pat = Str(a[0], "findSubstr", "pat", site);
            var str = Str(a[1], "findSubstr", "str", site);
            var result = new List<Thunk>();
            if (pat.Length == 0) return JArray.Empty;
            var cps = Strings.ToCodePoints(str);
            var pcs = Strings.ToCodePoints(pat);
            for (int i = 0; i + pcs.Length <= cps.Length; i++)
            {
                bool match = true;
                for (int j = 0; j < pcs.Length && match; j++) match = cps[i + j] == pcs[j];
                if (match) result.Add(N(i));
            }
            return MakeArray(result);
        });
        Add("startsWith", new[] { "a", "b" }, (ctx, a, site) => JBool.Of(Str(a[0], "startsWith", "a", site).StartsWith(Str(a[1], "startsWith", "b", site), StringComparison.Ordinal)));
        Add("endsWith", new[] { "a", "b" }, (ctx, a, site) => JBool.Of(Str(a[0], "endsWith", "a", site).EndsWith(Str(a[1], "endsWith", "b", site), StringComparison.Ordinal)));
        Add("stripChars", new[] { "str", "chars" }, (ctx, a, site) => S(Strip(Str(a[0], "stripChars", "str", site), Str(a[1], "stripChars", "chars", site), true, true)));
        Add("lstripChars", new[] { "str", "chars" }, (ctx, a, site) => S(Strip(Str(a[0], "lstripChars", "str", site), Str(a[1], "lstripChars", "chars", site), true, false)));
        Add("rstripChars", new[] { "str", "chars" }, (ctx, a, site) => S(Strip(Str(a[0], "rstripChars", "str", site), Str(a[1], "rstripChars", "chars", site), false, true)));
        Add("trim", new[] { "str" }, (ctx, a, site) => S(Strip(Str(a[0], "trim", "str", site), " \t\n\f\r\u0085\u00A0", true, true)));
        Add("split", new[] { "str", "c" }, (ctx, a, site) => SplitLimit(a[0], a[1], -1, "split", site));
        Add("splitLimit", new[] { "str", "c", "maxsplits" }, (ctx, a, site) => SplitLimit(a[0], a[1], Int(a[2], "splitLimit", "maxsplits", site), "splitLimit", site));
        Add("splitLimitR", new[] { "str", "c", "maxsplits" }, (ctx, a, site) =>
        {
            var s = Str(a[0], "splitLimitR", "str", site);
            var c = Str(a[1], "splitLimitR", "c", site);
            int max = Int(a[2], "splitLimitR", "maxsplits", site);
            if (c.Length == 0) throw JsonnetException.Runtime("std.splitLimitR second parameter should have length 1 or greater", site);
            if (max == -1) return StringArray(s.Split(c));
            var parts = new List<string>();
            int end = s.Length;
            while (max-- > 0)
            {
                int i = end - c.Length >= 0 ? s.LastIndexOf(c, end - 1, end, StringComparison.Ordinal) : -1;
                if (i < 0) break;
                parts.Add(s[(i + c.Length)..end]);
                end = i;
            }
            parts.Add(s[..end]);
            parts.Reverse();
            return StringArray(parts);
        });
        Add("strReplace", new[] { "str", "from", "to" }, (ctx, a, site) =>
        {
            var s = Str(a[0], "strReplace", "str", site);
            var from = Str(a[1], "strReplace", "from", site);
            var to = Str(a[2], "strReplace", "to", site);
            if (from.Length == 0) throw JsonnetException.Runtime("'from' string must not be zero length.", site);
            return S(s.Replace(from, to, StringComparison.Ordinal));
        });
        Add("isEmpty", new[] { "str" }, (ctx, a, site) => JBool.Of(Str(a[0], "isEmpty", "str", site).Length == 0));
        Add("equalsIgnoreCase", new[] { "str1", "str2" }, (ctx, a, site) =>
            JBool.Of(AsciiLower(Str(a[0], "equalsIgnoreCase", "str1", site)) == AsciiLower(Str(a[1], "equalsIgnoreCase", "str2", site))));
        Add("asciiUpper", new[] { "str" }, (ctx, a, site) => S(AsciiUpper(Str(a[0], "asciiUpper", "str", site))));
        Add("asciiLower", new[] { "str" }, (ctx, a, site) => S(AsciiLower(Str(a[0], "asciiLower", "str", site))));
        Add("stringChars", new[] { "str" }, (ctx, a, site) =>
            new JArray(Strings.ToCodePoints(Str(a[0], "stringChars", "str", site)).Select(cp => (Thunk)S(Strings.FromCodePoint(cp))).ToArray()));
        Add("format", new[] { "str", "vals" }, (ctx, a, site) => S(Formatter.Format(ctx, Str(a[0], "format", "str", site), a[1].Force(), site)));
        Add("escapeStringJson", new[] { "str_" }, (ctx, a, site) => S(Manifester.EscapeJson(TextOf(ctx, a[0]))));
        Add("escapeStringPython", new[] { "str" }, (ctx, a, site) => S(Manifester.EscapeJson(TextOf(ctx, a[0]))));
        Add("escapeStringBash", new[] { "str_" }, (ctx, a, site) => S("'" + TextOf(ctx, a[0]).Replace("'", "'\"'\"'") + "'"));
        Add("escapeStringDollars", new[] { "str_" }, (ctx, a, site) => S(TextOf(ctx, a[0]).Replace("$", "$$")));
        Builtin.Impl xml = (ctx, a, site) => S(TextOf(ctx, a[0]).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&apos;"));
        Add("escapeStringXML", new[] { "str_" }, xml);
        Add("parseInt", new[] { "str" }, (ctx, a, site) => ParseInteger(Str(a[0], "parseInt", "str", site), 10, true, site));
        Add("parseOctal", new[] { "str" }, (ctx, a, site) => ParseInteger(Str(a[0], "parseOctal", "str", site), 8, false, site));
        Add("parseHex", new[] { "str" }, (ctx, a, site) => ParseInteger(Str(a[0], "parseHex", "str", site), 16, false, site));
        Add("parseJson", new[] { "str" }, (ctx, a, site) => JsonReader.Parse(Str(a[0], "parseJson", "str", site), site));
        Add("parseYaml", new[] { "str" }, (ctx, a, site) => YamlReader.Parse(Str(a[0], "parseYaml", "str", site), site));
        Add("encodeUTF8", new[] { "str" }, (ctx, a, site) =>
        {
            var bytes = Encoding.UTF8.GetBytes(Str(a[0], "encodeUTF8", "str", site));
            return new JArray(bytes.Select(b => (Thunk)N(b)).ToArray());
        });
        Add("decodeUTF8", new[] { "arr" }, (ctx, a, site) =>
        {
            var arr = Arr(a[0], "decodeUTF8", "arr", site);
            var bytes = new byte[arr.Length];
            for (int i = 0; i < bytes.Length; i++)
            {
                var v = arr.Items[i].Force();
                if (v is not JNumber n || n.Value != Math.Floor(n.Value) || n.Value < 0 || n.Value > 255)
                {
                    throw JsonnetException.Runtime($"Element {i} of the provided array was not an integer in range [0,255]", site);
                }
                bytes[i] = (byte)n.Value;
            }
            return S(Encoding.UTF8.GetString(bytes));
        });
    }

    private static string TextOf(EvalContext ctx, Thunk t)
    {
        var v = t.Force();
        return v is JString s ? s.Value : Manifester.ToText(ctx, v);
    }

    internal static string AsciiUpper(string s)
    {
        var chars = s.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (chars[i] >= 'a' && chars[i] <= 'z') chars[i] = (char)(chars[i] - 32);
        }
        return new string(chars);
    }

    internal static string AsciiLower(string s)
    {
        var chars = s.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (chars[i] >= 'A' && chars[i] <= 'Z') chars[i] = (char)(chars[i] + 32);
        }
        return new string(chars);
    }

    private static string Strip(string s, string chars, bool left, bool right)
    {
        var set = Strings.ToCodePoints(chars).ToHashSet();
        var cps = Strings.ToCodePoints(s);
        int start = 0, end = cps.Length;
        if (left)
        {
            while (start < end && set.Contains(cps[start])) start++;
        }
        if (right)
        {
            while (end > start && set.Contains(cps[end - 1])) end--;
        }
        if (start == 0 && end == cps.Length) return s;
        var sb = new StringBuilder();
        for (int i = start; i < end; i++) sb.Append(Strings.FromCodePoint(cps[i]));
        return sb.ToString();
    }

    private static Value SplitLimit(Thunk strT, Thunk cT, int max, string fn, SourceSpan? site)
    {
        var s = Str(strT, fn, "str", site);
        var c = Str(cT, fn, "c", site);
        if (c.Length == 0) throw JsonnetException.Runtime($"std.{fn} second parameter should have length 1 or greater", site);
        if (max == -1) return StringArray(s.Split(c));
        return StringArray(s.Split(c, max + 1));
    }

    private static Value ParseInteger(string s, int radix, bool allowSign, SourceSpan? site)
    {
        bool negative = false;
        int i = 0;
        if (allowSign && s.StartsWith('-'))
        {
            negative = true;
            i = 1;
        }
        if (i >= s.Length) throw JsonnetException.Runtime($"Not an integer: \"{s}\"", site);
        double v = 0;
        for (; i < s.Length; i++)
        {
            int d = char.IsAsciiDigit(s[i]) ? s[i] - '0' : char.IsAsciiHexDigit(s[i]) ? char.ToLowerInvariant(s[i]) - 'a' + 10 : 99;
            if (d >= radix) throw JsonnetException.Runtime($"{(radix == 10 ? "Not an integer" : radix == 8 ? "Not an octal number" : "Not hexadecimal")}: \"{s}\"", site);
            v = v * radix + d;
        }
        return N(negative ? -v : v);
    }
}
