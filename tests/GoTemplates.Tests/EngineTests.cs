using System.Text.Json;
using GoTemplates.Sprig;

namespace GoTemplates.Tests;

/// <summary>Engine behaviour that Go's own output cannot show: errors, limits, .NET data, caching and threads.</summary>
public sealed class EngineTests
{
    public sealed class Throwing
    {
        public string Bad => throw new InvalidOperationException("getter failed");
        public override string ToString() => throw new InvalidOperationException("no text");
    }

    [Fact]
    public void Exceptions_from_data_objects_become_execution_errors()
    {
        var e = Assert.Throws<TemplateExecutionException>(() => Run("{{ .Bad }}", new Throwing()));
        Assert.Contains("error reading Bad: getter failed", e.Message);
        var data = new Dictionary<string, object?> { ["T"] = new Throwing() };
        var e2 = Assert.Throws<TemplateExecutionException>(() => Run("{{ print .T }}", data));
        Assert.Contains("getter failed", e2.Message);
    }

    public sealed record Person(string Name, int Age, Person? Friend)
    {
        public string Greet(string greeting) => $"{greeting}, {Name}";
        public string Shout() => Name.ToUpperInvariant();
        public string Fails() => throw new InvalidOperationException("no greeting today");
    }

    private static string Run(string template, object? data = null, TemplateMode mode = TemplateMode.Text) =>
        GoTemplate.Parse("t", template, mode, SprigFunctions.Hermetic).Execute(data);

    [Theory]
    [InlineData("{{ .Name", "template: t:1:8: unclosed action")]
    [InlineData("line one\n  {{ if .X }}", "template: t:2:")]
    [InlineData("{{ nosuch 1 }}", "template: t:1:3: function \"nosuch\" not defined")]
    [InlineData("{{ $x }}", "undefined variable \"$x\"")]
    [InlineData("{{ end }}", "unexpected {{end}}")]
    [InlineData("{{ range . }}{{ else }}{{ else }}{{ end }}", "expected end; found {{else}}")]
    [InlineData("{{ break }}", "{{break}} outside {{range}}")]
    public void Parse_errors_name_the_template_line_and_column(string template, string message)
    {
        var e = Assert.Throws<TemplateParseException>(() => GoTemplate.Parse("t", template));
        Assert.Contains(message, e.Message);
        Assert.Matches(@"^template: t:\d+:\d+: ", e.Message);
    }

    [Theory]
    [InlineData("{{ len 1 2 }}", "wrong number of args for len: want 1 got 2")]
    [InlineData("{{ printf }}", "wrong number of args for printf: want at least 1 got 0")]
    [InlineData("{{ index 1 0 }}", "error calling index: can't index item of type int")]
    [InlineData("{{ .Name.Missing }}", "can't evaluate field Missing in type string")]
    [InlineData("{{ .Friend.Name }}", "nil pointer evaluating interface {}.Name")]
    [InlineData("{{ .Greet }}", "wrong number of args for Greet: want 1 got 0")]
    [InlineData("{{ .Greet 1 }}", "expected string; found 1")]
    [InlineData("{{ .Fails }}", "error calling Fails: no greeting today")]
    [InlineData("{{ .Age 1 }}", "Age has arguments but cannot be invoked as function")]
    [InlineData("{{ template \"nope\" }}", "template \"nope\" not defined")]
    [InlineData("{{ lt .Name 1 }}", "error calling lt: incompatible types for comparison")]
    public void Execution_errors_are_reported_with_position_and_action(string template, string message)
    {
        var person = new Person("Ada", 36, null);
        var e = Assert.Throws<TemplateExecutionException>(() => Run(template, person));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("template: t:1:", e.Message);
        Assert.Contains("executing \"t\" at <", e.Message);
    }

    [Fact]
    public void Unbounded_template_recursion_stops_with_an_error()
    {
        var e = Assert.Throws<TemplateExecutionException>(() => Run("{{ define \"r\" }}x{{ template \"r\" . }}{{ end }}{{ template \"r\" . }}"));
        Assert.Contains("exceeded maximum template depth", e.Message);
    }

    [Fact]
    public void Deeply_nested_parentheses_are_a_parse_error_not_a_crash()
    {
        string deep = "{{ " + new string('(', 5000) + "1" + new string(')', 5000) + " }}";
        var e = Assert.Throws<TemplateParseException>(() => GoTemplate.Parse("t", deep));
        Assert.Contains("max expression depth exceeded", e.Message);
        string ok = "{{ " + new string('(', 50) + "1" + new string(')', 50) + " }}";
        Assert.Equal("1", Run(ok));
    }

    [Theory]
    [InlineData("{{if 1}}", "{{end}}")]
    [InlineData("{{range .}}", "{{end}}")]
    [InlineData("{{with 1}}", "{{end}}")]
    public void Deeply_nested_blocks_are_a_parse_error_not_a_crash(string open, string close)
    {
        string deep = string.Concat(Enumerable.Repeat(open, 100_000)) + string.Concat(Enumerable.Repeat(close, 100_000));
        var e = Assert.Throws<TemplateParseException>(() => GoTemplate.Parse("t", deep, TemplateMode.Html));
        Assert.Contains("max expression depth exceeded", e.Message);
        string ok = string.Concat(Enumerable.Repeat("{{if 1}}", 100)) + "x" + string.Concat(Enumerable.Repeat("{{end}}", 100));
        Assert.Equal("x", GoTemplate.Parse("t", ok, TemplateMode.Html).Execute(null));
    }

    [Fact]
    public void Deeply_nested_data_in_json_renders()
    {
        string json = string.Concat(Enumerable.Repeat("{\"a\":", 60)) + "1" + new string('}', 60);
        string path = "{{ ." + string.Join('.', Enumerable.Repeat("a", 60)) + " }}";
        Assert.Equal("1", Run(path, JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 100 }).RootElement));
    }

    [Fact]
    public void Plain_objects_expose_properties_and_methods()
    {
        var person = new Person("Ada", 36, new Person("Bob", 40, null));
        Assert.Equal("Ada 36 Bob", Run("{{ .Name }} {{ .Age }} {{ .Friend.Name }}", person));
        Assert.Equal("Hello, Ada|ADA|Hi, Bob", Run("{{ .Greet \"Hello\" }}|{{ .Shout }}|{{ \"Hi\" | .Friend.Greet }}", person));
        Assert.Equal("true", Run("{{ eq .Age 36 }}", person));
        Assert.Equal("38", Run("{{ add .Age 2 }}", person));
    }

    [Fact]
    public void Else_with_and_range_over_an_integer_follow_current_go()
    {
        Assert.Equal("b Ada", Run("{{ with .Missing }}a{{ else with .Name }}b {{ . }}{{ end }}", new Dictionary<string, object?> { ["Name"] = "Ada" }));
        Assert.Equal("c", Run("{{ with 0 }}a{{ else with \"\" }}b{{ else }}c{{ end }}"));
        Assert.Equal("012", Run("{{ range 3 }}{{ . }}{{ end }}"));
        Assert.Equal("none", Run("{{ range 0 }}x{{ else }}none{{ end }}"));
    }

    [Fact]
    public void And_or_stop_at_the_first_deciding_argument()
    {
        Assert.Equal("false", Run("{{ and false (fail \"not evaluated\") }}"));
        Assert.Equal("true", Run("{{ or true (fail \"not evaluated\") }}"));
        Assert.Throws<TemplateExecutionException>(() => Run("{{ and true (fail \"evaluated\") }}"));
    }

    [Fact]
    public void Html_escaping_errors_surface_on_execution()
    {
        var t = GoTemplate.Parse("t", "<a href=\"{{ .U }}", TemplateMode.Html);
        var e = Assert.Throws<TemplateExecutionException>(() => t.Execute(new Dictionary<string, object?> { ["U"] = "x" }));
        Assert.Contains("ends in a non-text context", e.Message);
    }

    [Fact]
    public void Defined_templates_can_be_executed_by_name()
    {
        var t = GoTemplate.Parse("main", "{{ define \"subject\" }}Hi {{ .Name }}{{ end }}{{ define \"body\" }}<b>{{ .Name }}</b>{{ end }}", TemplateMode.Html);
        Assert.Equal("Hi &lt;A&gt;", t.ExecuteTemplate("subject", new Person("<A>", 1, null)));
        Assert.Equal("<b>&lt;A&gt;</b>", t.ExecuteTemplate("body", new Person("<A>", 1, null)));
        Assert.Contains("body", t.TemplateNames);
        Assert.Throws<TemplateExecutionException>(() => t.ExecuteTemplate("none", null));
    }

    [Fact]
    public void Parsed_templates_render_the_same_from_many_threads()
    {
        var t = GoTemplate.Parse("t", "{{ range $i, $v := .Items }}{{ if $i }},{{ end }}{{ $v | upper }}{{ end }} <a href=\"/u?id={{ .Id }}\">{{ .Id }}</a>", TemplateMode.Html, SprigFunctions.Hermetic);
        var failures = 0;
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var data = new Dictionary<string, object?> { ["Items"] = new List<object?> { "a" + i, "b" }, ["Id"] = $"{i}&x" };
            var expected = $"A{i},B <a href=\"/u?id={i}%26x\">{i}&amp;x</a>";
            if (t.Execute(data) != expected) Interlocked.Increment(ref failures);
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void Cache_parses_each_text_once_and_keys_by_content()
    {
        var cache = new TemplateCache(SprigFunctions.Hermetic);
        var a = cache.Get("subject", "Hello {{ .Name | upper }}");
        var b = cache.Get("subject", "Hello {{ .Name | upper }}");
        var c = cache.Get("subject", "Bye {{ .Name }}");
        var h = cache.Get("subject", "Hello {{ .Name | upper }}", TemplateMode.Html);
        Assert.Same(a, b);
        Assert.NotSame(a, c);
        Assert.NotSame(a, h);
        Assert.Equal(3, cache.Count);
        Assert.Equal("Hello ADA", a.Execute(new Person("Ada", 1, null)));
        Assert.Throws<TemplateParseException>(() => cache.Get("bad", "{{ .X"));
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public void Custom_functions_are_available_and_override_builtins()
    {
        var functions = new Dictionary<string, TemplateFunction>
        {
            ["greet"] = TemplateFunction.Of(ArgType.String, n => "Hi " + n),
            ["len"] = TemplateFunction.Of(ArgType.Any, _ => 42),
        };
        var t = GoTemplate.Parse("t", "{{ greet .Name }} {{ len .Name }}", TemplateMode.Text, functions);
        Assert.Equal("Hi Ada 42", t.Execute(new Person("Ada", 1, null)));
    }

    [Fact]
    public void Call_invokes_delegates_from_the_data()
    {
        var data = new Dictionary<string, object?> { ["Add"] = new Func<int, int, int>((a, b) => a + b) };
        Assert.Equal("5", Run("{{ call .Add 2 3 }}", data));
        Assert.Throws<TemplateExecutionException>(() => Run("{{ call .Add \"x\" 3 }}", data));
    }

    [Fact]
    public void A_failed_execution_throws_instead_of_returning_partial_output()
    {
        var t = GoTemplate.Parse("t", "partial {{ index .L 5 }}");
        var e = Assert.Throws<TemplateExecutionException>(() => t.Execute(new Dictionary<string, object?> { ["L"] = new List<object?>() }));
        Assert.Contains("index out of range: 5", e.Message);
    }
}

public sealed class HtmlEscapeErrorTests
{
    [Theory]
    [InlineData("<a href=\"{{if .B}}?{{end}}{{.Q}}\">x</a>", "html/template:t:1:28: {{.Q}} appears in an ambiguous context within a URL")]
    [InlineData("<p>\n{{if .B}}<a href=\"{{end}}x", "html/template:t:2:5: {{if}} branches end in different contexts")]
    [InlineData("{{ .X | html | print }}", "html/template:t:1:3: predefined escaper \"html\" disallowed in template")]
    [InlineData("<p>{{ template \"nope\" }}</p>", "html/template:t:1:15: no such template \"nope\"")]
    [InlineData("<a href=\"{{ .X }}", "html/template:t: ends in a non-text context")]
    public void Escaping_errors_name_the_place(string template, string message)
    {
        var t = GoTemplate.Parse("t", template, TemplateMode.Html);
        var e = Assert.Throws<TemplateExecutionException>(() => t.Execute(new Dictionary<string, object?> { ["B"] = true, ["Q"] = "q", ["X"] = "x" }));
        Assert.Contains(message, e.Message);
    }
}

public sealed class HtmlTemplateSetTests
{
    [Fact]
    public void A_template_used_in_several_contexts_is_escaped_for_each()
    {
        var t = GoTemplate.Parse("main",
            "{{ define \"v\" }}{{ . }}{{ end }}{{ define \"z\" }}<a href=\"{{ template \"v\" .U }}\">{{ template \"v\" .U }}</a>{{ end }}<p>{{ template \"v\" .U }}</p>",
            TemplateMode.Html);
        var data = new Dictionary<string, object?> { ["U"] = "javascript:x<1>" };
        Assert.Equal("<p>javascript:x&lt;1&gt;</p>", t.Execute(data));
        Assert.Equal("<a href=\"#ZgotmplZ\">javascript:x&lt;1&gt;</a>", t.ExecuteTemplate("z", data));
        Assert.Equal("javascript:x&lt;1&gt;", t.ExecuteTemplate("v", "javascript:x<1>"));
        Assert.DoesNotContain(t.TemplateNames, n => n.Contains('$'));
    }
}
