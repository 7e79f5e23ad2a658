using System.Text.RegularExpressions;
using GoTemplates.Sprig;

namespace GoTemplates.Tests;

/// <summary>The functions sprig's full TxtFuncMap adds to the hermetic one (Kratos's built-in courier templates use it).</summary>
public sealed class SprigFullTests
{
    private static string Render(string template) =>
        GoTemplate.Parse("t", template, TemplateMode.Text, SprigFunctions.Full).Execute(null);

    [Theory]
    [InlineData("{{ randAlphaNum 12 }}", "^[A-Za-z0-9]{12}$")]
    [InlineData("{{ randAlpha 9 }}", "^[A-Za-z]{9}$")]
    [InlineData("{{ randNumeric 7 }}", "^[0-9]{7}$")]
    [InlineData("{{ randAscii 20 }}", "^[ -~]{20}$")]
    [InlineData("{{ randBytes 6 }}", "^[A-Za-z0-9+/]{8}$")]
    [InlineData("{{ uuidv4 }}", "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    [InlineData("{{ now | date \"2006\" }}", "^20[0-9]{2}$")]
    [InlineData("{{ getHostByName \"localhost\" }}", "^(127\\.0\\.0\\.1|::1)$")]
    public void Runtime_functions_produce_values_of_the_right_shape(string template, string pattern)
    {
        Assert.Matches(new Regex(pattern), Render(template));
    }

    [Fact]
    public void Random_values_differ_between_calls()
    {
        Assert.NotEqual(Render("{{ randAlphaNum 32 }}"), Render("{{ randAlphaNum 32 }}"));
        Assert.NotEqual(Render("{{ uuidv4 }}"), Render("{{ uuidv4 }}"));
    }

    [Fact]
    public void Env_and_expandenv_read_the_environment()
    {
        var name = "SPRIG_FULL_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "value-42");
        try
        {
            Assert.Equal("value-42", Render($"{{{{ env \"{name}\" }}}}"));
            Assert.Equal("[value-42] [value-42] []", Render($"{{{{ expandenv \"[${name}] [${{{name}}}] [$NO_SUCH_VARIABLE_HERE]\" }}}}"));
            Assert.Equal("", Render("{{ env \"NO_SUCH_VARIABLE_HERE\" }}"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void The_hermetic_map_does_not_have_them()
    {
        var e = Assert.Throws<TemplateParseException>(() => GoTemplate.Parse("t", "{{ uuidv4 }}", TemplateMode.Text, SprigFunctions.Hermetic));
        Assert.Contains("function \"uuidv4\" not defined", e.Message);
    }
}
