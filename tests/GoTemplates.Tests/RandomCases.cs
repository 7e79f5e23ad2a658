using System.Text;

namespace GoTemplates.Tests;

/// <summary>
/// Generates random but mostly well-formed templates from a fixed seed, to be rendered by Go and by this engine.
/// They reach combinations of functions, literals, missing values and branches that hand-written cases do not.
/// </summary>
public static class RandomCases
{
    private const string Data = """{"a":[1,"x",null,{"k":2}],"b":{"c":"<v>","d":[3.5,0.1]},"n":null,"s":"str é","f":1.5,"i":42,"t":true,"e":"","z":0,"big":1e21,"neg":-7}""";

    private static readonly string[] Fields = [".a", ".b", ".b.c", ".b.d", ".n", ".s", ".f", ".i", ".t", ".e", ".z", ".big", ".neg", ".missing", ".b.missing", "."];
    private static readonly string[] Literals = ["\"q\"", "\"<&>\"", "1", "2", "0", "-3", "1.5", "true", "false", "'x'", "0x10", "1e2", "nil"];
    private static readonly string[] Unary = ["len", "not", "html", "js", "urlquery", "print", "println"];
    private static readonly string[] Multi = ["eq", "ne", "lt", "le", "gt", "ge", "and", "or", "index", "slice", "print", "printf"];
    private static readonly string[] Formats = ["\"%v\"", "\"%d\"", "\"%s\"", "\"%q\"", "\"%x\"", "\"%5.2f\"", "\"%-4v|\"", "\"%t\"", "\"%e\"", "\"%g\"", "\"%T\"", "\"%08.3f\"", "\"%+d\"", "\"%c\""];
    private static readonly string[] Tails = ["print", "len", "html", "urlquery", "printf \"%v\"", "js", "not"];
    private static readonly string[] TextPieces = [" a ", "\n", "x ", "-"];
    private static readonly string[] HtmlPieces =
    [
        "<p>", "</p>", "<a href=\"", "\">", "<a title=", "<script>var x = ", "</script>", "<b class='", "'>", " text ",
        "<style>p{color:", "}</style>", "<input value=", "<!-- c -->", "<textarea>", "</textarea>", "<a href=\"/x?q=", "&amp;",
        "<img srcset=\"", "<div style=\"color:", "<button onclick=\"f(", "<a href='", "<p data-x=\"", "<title>", "</title>", ">",
    ];

    public static (string Template, string Data)[] Generate(int seed, int count, bool html)
    {
        var r = new Random(seed);
        var result = new (string, string)[count];
        for (int i = 0; i < count; i++) result[i] = (Body(r, html, 0), Data);
        return result;
    }

    private static string Pick(Random r, string[] items) => items[r.Next(items.Length)];

    private static string Operand(Random r, int depth)
    {
        double x = r.NextDouble();
        if (x < 0.45) return Pick(r, Fields);
        if (x < 0.7 || depth > 1) return Pick(r, Literals);
        return "(" + Pipeline(r, depth + 1) + ")";
    }

    private static string Operands(Random r, int depth, int min, int max) =>
        string.Join(" ", Enumerable.Range(0, r.Next(min, max + 1)).Select(_ => Operand(r, depth)));

    private static string Command(Random r, int depth)
    {
        double x = r.NextDouble();
        if (x < 0.3) return Operand(r, depth);
        if (x < 0.5) return Pick(r, Unary) + " " + Operand(r, depth);
        string f = Pick(r, Multi);
        if (f == "printf") return ("printf " + Pick(r, Formats) + " " + Operands(r, depth, 0, 2)).TrimEnd();
        return f + " " + Operands(r, depth, 1, 3);
    }

    private static string Pipeline(Random r, int depth)
    {
        string p = Command(r, depth);
        if (r.NextDouble() < 0.2) p += " | " + Pick(r, Tails);
        return p;
    }

    private static string Body(Random r, bool html, int depth)
    {
        var sb = new StringBuilder();
        int n = r.Next(1, 5);
        for (int i = 0; i < n; i++)
        {
            double x = r.NextDouble();
            if (x < 0.35) sb.Append(Pick(r, html ? HtmlPieces : TextPieces));
            else if (x < 0.7 || depth > 2) sb.Append("{{").Append(r.Next(2) == 0 ? "" : "- ").Append(Pipeline(r, 0)).Append(r.Next(2) == 0 ? "" : " -").Append("}}");
            else if (x < 0.8)
            {
                sb.Append("{{if ").Append(Pipeline(r, 0)).Append("}}").Append(Body(r, html, depth + 1));
                if (r.Next(2) == 0) sb.Append("{{else}}").Append(Body(r, html, depth + 1));
                sb.Append("{{end}}");
            }
            else if (x < 0.9)
            {
                sb.Append("{{range ").Append(r.Next(2) == 0 ? "$i, $v := " : "").Append(Pick(r, [".a", ".b", ".b.d", ".s", ".missing", ".n"])).Append("}}");
                sb.Append(Body(r, html, depth + 1));
                if (r.NextDouble() < 0.3) sb.Append("{{else}}E");
                sb.Append("{{end}}");
            }
            else sb.Append("{{with ").Append(Pick(r, Fields)).Append("}}").Append(Body(r, html, depth + 1)).Append("{{end}}");
        }
        return sb.ToString();
    }
}
