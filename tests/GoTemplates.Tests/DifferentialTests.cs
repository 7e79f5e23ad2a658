using System.Text.Json;
using System.Text.RegularExpressions;

namespace GoTemplates.Tests;

/// <summary>Renders every case with Go (through the oracle program) and with this engine and compares the results.</summary>
public sealed partial class DifferentialTests
{
    private static readonly Lazy<IReadOnlyList<OracleResult>> GoResults = new(() =>
        GoOracle.Render(AllCases().Select(c => new OracleCase(c.Template, JsonDocument.Parse(c.Data).RootElement, c.Mode)).ToList()));

    private static readonly (string Template, string Data)[] RandomText = RandomCases.Generate(seed: 1, count: 1500, html: false);
    private static readonly (string Template, string Data)[] RandomHtml = RandomCases.Generate(seed: 2, count: 1500, html: true);

    private static IEnumerable<(string Template, string Data, string Mode)> AllCases() =>
        TextCases.All.Select(c => (c.Template, c.Data, "text"))
            .Concat(HtmlCases.All.Select(c => (c.Template, c.Data, "html")))
            .Concat(RandomText.Select(c => (c.Template, c.Data, "text")))
            .Concat(RandomHtml.Select(c => (c.Template, c.Data, "html")));

    public static IEnumerable<object[]> TextCaseIds() => Enumerable.Range(0, TextCases.All.Length).Select(i => new object[] { i });
    public static IEnumerable<object[]> HtmlCaseIds() => Enumerable.Range(0, HtmlCases.All.Length).Select(i => new object[] { i });

    [GoTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Random_templates_match_go(bool html)
    {
        var cases = html ? RandomHtml : RandomText;
        int offset = TextCases.All.Length + HtmlCases.All.Length + (html ? RandomText.Length : 0);
        var failures = new List<string>();
        for (int i = 0; i < cases.Length; i++)
        {
            try
            {
                Check(cases[i].Template, cases[i].Data, html ? TemplateMode.Html : TemplateMode.Text, GoResults.Value[offset + i]);
            }
            catch (Xunit.Sdk.XunitException e)
            {
                failures.Add(e.Message);
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Length} differ; first:\n{string.Join("\n---\n", failures.Take(3))}");
    }

    [GoTheory]
    [MemberData(nameof(TextCaseIds))]
    public void Text_template_output_matches_go(int index)
    {
        var (template, data) = TextCases.All[index];
        Check(template, data, TemplateMode.Text, GoResults.Value[index]);
    }

    [GoTheory]
    [MemberData(nameof(HtmlCaseIds))]
    public void Html_template_output_matches_go(int index)
    {
        var (template, data) = HtmlCases.All[index];
        Check(template, data, TemplateMode.Html, GoResults.Value[TextCases.All.Length + index]);
    }

    [GoTheory]
    [InlineData(0)]
    public void Oracle_covers_at_least_300_cases(int _)
    {
        Assert.True(GoResults.Value.Count >= 300, $"only {GoResults.Value.Count} cases");
        Assert.Equal(TextCases.All.Length + HtmlCases.All.Length + RandomText.Length + RandomHtml.Length, GoResults.Value.Count);
    }

    private static void Check(string template, string data, TemplateMode mode, OracleResult go)
    {
        string? ours = null;
        Exception? error = null;
        try
        {
            var t = GoTemplate.Parse("t", template, mode);
            ours = t.Execute(JsonDocument.Parse(data).RootElement);
        }
        catch (Exception e) when (e is TemplateParseException or TemplateExecutionException)
        {
            error = e;
        }
        string describe = $"template: {template}\ndata: {data}\ngo: {(go.Error.Length > 0 ? "ERROR " + go.Error : go.Output)}\nours: {(error != null ? "ERROR " + error.Message : ours)}";
        if (go.Error.Length > 0)
        {
            Assert.True(error != null, "Go failed but we did not.\n" + describe);
            if (go.ParseError && mode == TemplateMode.Text)
            {
                Assert.True(error is TemplateParseException, "Go failed to parse but we failed later.\n" + describe);
                Assert.Equal(Line(go.Error), Line(error!.Message));
                Assert.Equal(ParseMessage(go.Error), ParseMessage(error.Message));
            }
            else if (mode == TemplateMode.Text) Assert.Equal(ExecMessage(go.Error), ExecMessage(error!.Message));
            return;
        }
        Assert.True(error == null, "We failed but Go did not.\n" + describe);
        Assert.True(go.Output == ours, describe);
    }

    private static string Line(string message)
    {
        var m = LinePattern().Match(message);
        return m.Success ? m.Groups[1].Value : "?";
    }

    // Go allows 100000 nested template calls; this engine stops earlier to protect the stack.
    // slice names the static type interface {} for index arguments read from maps; this engine names the value's type.
    private static string ExecMessage(string message) =>
        SliceIndexType().Replace(DepthLimit().Replace(message, "exceeded maximum template depth (N)"), "cannot index slice/array with type T");

    [GeneratedRegex(@"cannot index slice/array with type .*$")]
    private static partial Regex SliceIndexType();

    [GeneratedRegex(@"exceeded maximum template depth \(\d+\)")]
    private static partial Regex DepthLimit();

    // Go reports "template: t:LINE: problem"; this engine adds the column: "template: t:LINE:COL: problem".
    private static string ParseMessage(string message) => ParseLocation().Replace(message, "");

    [GeneratedRegex(@"^template: t:\d+(:\d+)?: ")]
    private static partial Regex ParseLocation();

    [GeneratedRegex(@"template: t:(\d+)")]
    private static partial Regex LinePattern();
}
