using System.Text;
using System.Text.RegularExpressions;
using static GoTemplates.ArgType;

namespace GoTemplates.Sprig;

/// <summary>sprig's regular expression functions. Go's RE2 patterns run on .NET's engine with a timeout.</summary>
internal static class RegexFunctions
{
    private const GoTemplates.ArgType Str = GoTemplates.ArgType.String;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public static void Register(Dictionary<string, TemplateFunction> m)
    {
        m["regexMatch"] = TemplateFunction.Of(Str, Str, (r, s) => TryCompile((string)r!) is { } re && re.IsMatch((string)s!));
        m["mustRegexMatch"] = TemplateFunction.Of(Str, Str, (r, s) => Compile((string)r!).IsMatch((string)s!));
        m["regexFindAll"] = TemplateFunction.Of(Str, Str, Int, (r, s, n) => FindAll(TryCompile((string)r!), (string)s!, (int)n!));
        m["mustRegexFindAll"] = TemplateFunction.Of(Str, Str, Int, (r, s, n) => FindAll(Compile((string)r!), (string)s!, (int)n!));
        m["regexFind"] = TemplateFunction.Of(Str, Str, (r, s) => TryCompile((string)r!) is { } re ? FirstMatch(re, (string)s!) : "");
        m["mustRegexFind"] = TemplateFunction.Of(Str, Str, (r, s) => FirstMatch(Compile((string)r!), (string)s!));
        m["regexReplaceAll"] = TemplateFunction.Of(Str, Str, Str, (r, s, repl) => TryCompile((string)r!) is { } re ? ReplaceExpand(re, (string)s!, (string)repl!) : s);
        m["mustRegexReplaceAll"] = TemplateFunction.Of(Str, Str, Str, (r, s, repl) => ReplaceExpand(Compile((string)r!), (string)s!, (string)repl!));
        m["regexReplaceAllLiteral"] = TemplateFunction.Of(Str, Str, Str, (r, s, repl) => TryCompile((string)r!) is { } re ? re.Replace((string)s!, _ => (string)repl!) : s);
        m["mustRegexReplaceAllLiteral"] = TemplateFunction.Of(Str, Str, Str, (r, s, repl) => Compile((string)r!).Replace((string)s!, _ => (string)repl!));
        m["regexSplit"] = TemplateFunction.Of(Str, Str, Int, (r, s, n) => TryCompile((string)r!) is { } re ? Split(re, (string)r!, (string)s!, (int)n!) : new List<object?>());
        m["mustRegexSplit"] = TemplateFunction.Of(Str, Str, Int, (r, s, n) => Split(Compile((string)r!), (string)r!, (string)s!, (int)n!));
        m["regexQuoteMeta"] = TemplateFunction.Of(Str, s => QuoteMeta((string)s!));
    }

    private static Regex Compile(string pattern)
    {
        try
        {
            // Go writes named groups as (?P<name>...).
            return new Regex(pattern.Replace("(?P<", "(?<", StringComparison.Ordinal), RegexOptions.CultureInvariant, Timeout);
        }
        catch (ArgumentException e)
        {
            throw new TemplateFunctionException("error parsing regexp: " + e.Message);
        }
    }

    private static Regex? TryCompile(string pattern)
    {
        try { return Compile(pattern); }
        catch (TemplateFunctionException) { return null; }
    }

    private static string FirstMatch(Regex re, string s)
    {
        var m = re.Match(s);
        return m.Success ? m.Value : "";
    }

    private static List<object?> FindAll(Regex? re, string s, int n)
    {
        var result = new List<object?>();
        if (re == null || n == 0) return result;
        foreach (Match m in re.Matches(s))
        {
            if (n > 0 && result.Count == n) break;
            result.Add(m.Value);
        }
        return result;
    }

    /// <summary>Replaces with Go's template expansion: $1, ${1}, $name, ${name}; $$ is a dollar; unknown groups are empty.</summary>
    private static string ReplaceExpand(Regex re, string s, string template) => re.Replace(s, m =>
    {
        var sb = new StringBuilder();
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c != '$' || i + 1 >= template.Length) { sb.Append(c); continue; }
            if (template[i + 1] == '$') { sb.Append('$'); i++; continue; }
            string? name = null;
            int end;
            if (template[i + 1] == '{')
            {
                int close = template.IndexOf('}', i + 2);
                if (close > i + 2 && template[(i + 2)..close].All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
                {
                    name = template[(i + 2)..close];
                    end = close;
                }
                else end = i;
            }
            else
            {
                int j = i + 1;
                while (j < template.Length && (char.IsAsciiLetterOrDigit(template[j]) || template[j] == '_')) j++;
                if (j > i + 1) name = template[(i + 1)..j];
                end = j - 1;
            }
            if (name == null) { sb.Append(c); continue; }
            var group = int.TryParse(name, out int num) ? (num < m.Groups.Count ? m.Groups[num] : null) : m.Groups[name];
            if (group is { Success: true }) sb.Append(group.Value);
            i = end;
        }
        return sb.ToString();
    });

    private static List<object?> Split(Regex re, string pattern, string s, int n)
    {
        var result = new List<object?>();
        if (n == 0) return result;
        if (pattern.Length > 0 && s.Length == 0) return [""];
        int beg = 0, end = 0;
        foreach (Match m in re.Matches(s))
        {
            if (n > 0 && result.Count == n - 1) break;
            end = m.Index;
            if (m.Index + m.Length != 0) result.Add(s[beg..end]);
            beg = m.Index + m.Length;
        }
        if (end != s.Length) result.Add(s[beg..]);
        return result;
    }

    private static string QuoteMeta(string s)
    {
        var sb = new StringBuilder(s.Length * 2);
        foreach (char c in s)
        {
            if (@"\.+*?()|[]{}^$".Contains(c)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}
