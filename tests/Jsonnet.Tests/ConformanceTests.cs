using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jsonnet.Tests;

/// <summary>Runs every program of the official Jsonnet test suite.</summary>
public class ConformanceTests
{
    public static IEnumerable<object[]> Cases()
    {
        var dir = ReferenceData.JsonnetFolder("test_suite");
        if (dir == null)
        {
            yield return new object[] { "<missing>" };
            yield break;
        }
        foreach (var file in Directory.GetFiles(dir, "*.jsonnet").Order(StringComparer.Ordinal))
        {
            yield return new object[] { Path.GetFileName(file) };
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void TestSuiteProgram(string name)
    {
        var dir = ReferenceData.Require("test_suite");
        var trace = new StringWriter();
        var engine = new JsonnetEngine(new JsonnetOptions
        {
            ImportResolver = new FileSystemImportResolver(new[] { dir }, baseDirectory: dir),
            TraceWriter = trace,
        });
        var vars = new Dictionary<string, string> { ["var1"] = "test" };
        var codes = new Dictionary<string, string> { ["var2"] = "{x:1,y:2}" };
        var args = name.StartsWith("tla.", StringComparison.Ordinal)
            ? new EvaluationArgs { TlaStrs = vars, TlaCodes = codes }
            : new EvaluationArgs { ExtStrs = vars, ExtCodes = codes };
        var source = File.ReadAllText(Path.Combine(dir, name));

        string Run() => ReferenceData.OnLargeStack(() => engine.Parse(source, name).Evaluate(args));

        if (name.StartsWith("error.", StringComparison.Ordinal))
        {
            var e = Assert.Throws<JsonnetException>(() => Run());
            Assert.False(string.IsNullOrEmpty(e.Message));
            return;
        }
        var result = Run();
        var output = trace + result + "\n";
        var goldenPath = Path.Combine(dir, name + ".golden");
        var golden = File.Exists(goldenPath) ? File.ReadAllText(goldenPath) : "true\n";
        if (TryParseJson(golden, out var expected))
        {
            Assert.True(TryParseJson(output, out var actual), $"output is not JSON: {output}");
            Assert.True(JsonNode.DeepEquals(expected, actual), $"expected:\n{golden}\nactual:\n{output}");
        }
        else
        {
            Assert.Equal(golden.TrimEnd('\n'), output.TrimEnd('\n'));
        }
    }

    private static bool TryParseJson(string text, out JsonNode? node)
    {
        try
        {
            node = JsonNode.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            node = null;
            return false;
        }
    }
}
