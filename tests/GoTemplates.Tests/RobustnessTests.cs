using System.Text;
using System.Text.Json;
using GoTemplates.Sprig;

namespace GoTemplates.Tests;

/// <summary>Random template soup must only ever produce output or this library's own exceptions.</summary>
public sealed class RobustnessTests
{
    private static readonly string[] Pieces =
    [
        "{{", "}}", "{{-", " -}}", "{{/*", "*/}}", " ", "\n", ".", ".a", ".b.c", "$", "$x", "$x :=", "$x =", ",", "|", "(", ")",
        "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue", "nil", "true", "\"s\"",
        "`r`", "'c'", "1", "-2", "3.5", "0x1F", "1e3", "len", "index", "slice", "and", "or", "not", "eq", "lt", "print",
        "printf", "\"%d %s %v %q\"", "html", "js", "urlquery", "call", "upper", "default", "dict", "list", "toJson", "<a href=\"",
        "<script>", "</script>", "<p title=", "\">", "'", "<!--", "-->", "<style>", "javascript:", "?", "#", "/", "`",
    ];

    private static readonly JsonElement Data = JsonDocument.Parse("""{"a":[1,"x",null,{"k":2}],"b":{"c":"<v>"},"n":null,"s":"str","f":1.5}""").RootElement;

    [Fact]
    public void Random_templates_never_crash_the_engine()
    {
        var random = new Random(20240501);
        int rendered = 0, rejected = 0;
        for (int i = 0; i < 4000; i++)
        {
            var sb = new StringBuilder();
            int n = random.Next(1, 14);
            for (int j = 0; j < n; j++) sb.Append(Pieces[random.Next(Pieces.Length)]);
            string text = sb.ToString();
            var mode = i % 2 == 0 ? TemplateMode.Text : TemplateMode.Html;
            try
            {
                var t = GoTemplate.Parse("fuzz", text, mode, SprigFunctions.Hermetic);
                t.Execute(Data);
                rendered++;
            }
            catch (TemplateParseException)
            {
                rejected++;
            }
            catch (TemplateExecutionException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{e.GetType().Name} for {JsonSerializer.Serialize(text)} ({mode}): {e.Message}");
            }
        }
        Assert.True(rendered > 100, $"only {rendered} templates rendered");
        Assert.True(rejected > 100, $"only {rejected} templates rejected");
    }
}
