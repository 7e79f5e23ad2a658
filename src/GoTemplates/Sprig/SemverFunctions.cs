using System.Globalization;
using System.Text.RegularExpressions;
using static GoTemplates.ArgType;

namespace GoTemplates.Sprig;

/// <summary>sprig's semver and semverCompare (Masterminds/semver rules for versions and constraints).</summary>
internal static partial class SemverFunctions
{
    private const GoTemplates.ArgType Str = GoTemplates.ArgType.String;

    public static void Register(Dictionary<string, TemplateFunction> m)
    {
        m["semver"] = TemplateFunction.Of(Str, v => SemVersion.Parse((string)v!));
        m["semverCompare"] = TemplateFunction.Of(Str, Str, (c, v) => Satisfies((string)c!, SemVersion.Parse((string)v!)));
    }

    public static bool Satisfies(string constraint, SemVersion v)
    {
        foreach (var alternative in constraint.Split("||"))
        {
            var parts = SplitConstraint(alternative);
            if (parts.Count == 0) throw new TemplateFunctionException("improper constraint: " + constraint);
            if (parts.All(p => Check(p, v))) return true;
        }
        return false;
    }

    private static List<string> SplitConstraint(string s)
    {
        // "1.2 - 1.4" is a range; otherwise comma or space separated terms, an operator may be followed by spaces.
        var hyphen = HyphenRange().Match(s.Trim());
        if (hyphen.Success) return [">=" + hyphen.Groups[1].Value, "<=" + hyphen.Groups[2].Value];
        var terms = new List<string>();
        foreach (Match m in Term().Matches(s)) terms.Add(m.Groups[1].Value + m.Groups[2].Value);
        return terms;
    }

    private static bool Check(string term, SemVersion v)
    {
        var m = Operator().Match(term);
        string op = m.Groups[1].Value;
        string text = m.Groups[2].Value;
        var (c, wildMinor, wildPatch, wildMajor) = PartialVersion(text);
        // Constraints without a prerelease do not match prerelease versions.
        if (v.Prerelease().Length > 0 && c.Prerelease().Length == 0) return false;
        int cmp = v.CompareTo(c);
        switch (op)
        {
            case "" or "=":
                if (wildMajor) return true;
                if (wildMinor) return v.Major() == c.Major();
                if (wildPatch) return v.Major() == c.Major() && v.Minor() == c.Minor();
                return cmp == 0;
            case "!=":
                if (wildMinor) return v.Major() != c.Major();
                if (wildPatch) return !(v.Major() == c.Major() && v.Minor() == c.Minor());
                return cmp != 0;
            case ">":
                if (wildMinor) return v.Major() > c.Major();
                if (wildPatch) return v.Major() > c.Major() || (v.Major() == c.Major() && v.Minor() > c.Minor());
                return cmp > 0;
            case ">=" or "=>":
                return cmp >= 0;
            case "<":
                return cmp < 0;
            case "<=" or "=<":
                if (wildMinor) return v.Major() <= c.Major();
                if (wildPatch) return v.Major() < c.Major() || (v.Major() == c.Major() && v.Minor() <= c.Minor());
                return cmp <= 0;
            case "~" or "~>":
                if (cmp < 0) return false;
                if (wildMajor) return true;
                if (wildMinor) return v.Major() == c.Major();
                return v.Major() == c.Major() && v.Minor() == c.Minor();
            case "^":
                if (cmp < 0) return false;
                if (wildMajor) return true;
                if (c.Major() > 0 || wildMinor) return v.Major() == c.Major();
                if (c.Minor() > 0 || wildPatch) return v.Major() == 0 && v.Minor() == c.Minor();
                return v.Major() == 0 && v.Minor() == 0 && v.Patch() == c.Patch();
            default:
                throw new TemplateFunctionException("improper constraint: " + term);
        }
    }

    private static (SemVersion, bool WildMinor, bool WildPatch, bool WildMajor) PartialVersion(string text)
    {
        var pieces = text.TrimStart('v', 'V').Split('-', '+')[0].Split('.');
        static bool Wild(string p) => p is "x" or "X" or "*";
        bool wildMajor = pieces.Length == 0 || Wild(pieces[0]);
        bool wildMinor = !wildMajor && (pieces.Length < 2 || Wild(pieces[1]));
        bool wildPatch = !wildMajor && !wildMinor && (pieces.Length < 3 || Wild(pieces[2]));
        string normalized = string.Join('.', pieces.Select(p => Wild(p) ? "0" : p));
        string suffix = text[(text.TrimStart('v', 'V').Split('-', '+')[0].Length + (text.StartsWith('v') || text.StartsWith('V') ? 1 : 0))..];
        return (SemVersion.Parse(normalized + suffix), wildMinor, wildPatch, wildMajor);
    }

    [GeneratedRegex(@"^\s*(\S+)\s+-\s+(\S+)\s*$")]
    private static partial Regex HyphenRange();

    [GeneratedRegex(@"(=>|=<|!=|>=|<=|~>|[=<>~^]?)\s*([vV]?[0-9xX*][0-9A-Za-z.+\-xX*]*)")]
    private static partial Regex Term();

    [GeneratedRegex(@"^(=>|=<|!=|>=|<=|~>|[=<>~^]?)(.*)$")]
    private static partial Regex Operator();
}

/// <summary>A semantic version, as sprig's semver returns it; its methods are callable from templates (.Major, .Minor ...).</summary>
public sealed partial class SemVersion : IComparable<SemVersion>
{
    private readonly long _major, _minor, _patch;
    private readonly string _pre, _metadata, _original;

    private SemVersion(long major, long minor, long patch, string pre, string metadata, string original)
    {
        _major = major;
        _minor = minor;
        _patch = patch;
        _pre = pre;
        _metadata = metadata;
        _original = original;
    }

    public static SemVersion Parse(string v)
    {
        var m = Pattern().Match(v);
        if (!m.Success) throw new TemplateFunctionException("Invalid Semantic Version");
        static long Part(Group g) => g.Success ? long.Parse(g.Value, CultureInfo.InvariantCulture) : 0;
        return new SemVersion(Part(m.Groups[1]), Part(m.Groups[2]), Part(m.Groups[3]), m.Groups[4].Value, m.Groups[5].Value, v);
    }

    public long Major() => _major;
    public long Minor() => _minor;
    public long Patch() => _patch;
    public string Prerelease() => _pre;
    public string Metadata() => _metadata;
    public string Original() => _original;

    public string String()
    {
        string s = $"{_major}.{_minor}.{_patch}";
        if (_pre.Length > 0) s += "-" + _pre;
        if (_metadata.Length > 0) s += "+" + _metadata;
        return s;
    }

    public override string ToString() => String();

    public int CompareTo(SemVersion? other)
    {
        if (other == null) return 1;
        int c = _major.CompareTo(other._major);
        if (c == 0) c = _minor.CompareTo(other._minor);
        if (c == 0) c = _patch.CompareTo(other._patch);
        if (c != 0) return c;
        // A version without a prerelease ranks above the same version with one.
        if (_pre.Length == 0 && other._pre.Length == 0) return 0;
        if (_pre.Length == 0) return 1;
        if (other._pre.Length == 0) return -1;
        var a = _pre.Split('.');
        var b = other._pre.Split('.');
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            bool aNumeric = long.TryParse(a[i], out long aValue), bNumeric = long.TryParse(b[i], out long bValue);
            int r = aNumeric && bNumeric ? aValue.CompareTo(bValue) : aNumeric ? -1 : bNumeric ? 1 : string.CompareOrdinal(a[i], b[i]);
            if (r != 0) return Math.Sign(r);
        }
        return a.Length.CompareTo(b.Length);
    }

    [GeneratedRegex(@"^[vV]?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z\-]+(?:\.[0-9A-Za-z\-]+)*))?(?:\+([0-9A-Za-z\-]+(?:\.[0-9A-Za-z\-]+)*))?$")]
    private static partial Regex Pattern();
}
