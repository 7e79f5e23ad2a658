using System.Text;
using System.Text.Json.Nodes;

namespace Jsonnet.Tests;

public class ApiTests
{
    private sealed class InMemoryResolver(Dictionary<string, string> files) : IImportResolver
    {
        public ImportedFile Resolve(string importingFile, string importPath)
        {
            if (!files.TryGetValue(importPath, out var text)) throw new FileNotFoundException("not found: " + importPath);
            return new ImportedFile(importPath, Encoding.UTF8.GetBytes(text));
        }
    }

    [Fact]
    public void ExternalVariablesAsStringAndCode()
    {
        var args = new EvaluationArgs
        {
            ExtStrs = new Dictionary<string, string> { ["name"] = "Ann" },
            ExtCodes = new Dictionary<string, string> { ["cfg"] = "{ port: 80 + 1 }", ["doc"] = "{\"a\": [1, 2]}" },
        };
        var json = new JsonnetEngine().EvaluateSnippet("{ n: std.extVar('name'), p: std.extVar('cfg').port, d: std.extVar('doc') }", args);
        Assert.Equal("{\n   \"d\": {\n      \"a\": [\n         1,\n         2\n      ]\n   },\n   \"n\": \"Ann\",\n   \"p\": 81\n}", json);
    }

    [Fact]
    public void MissingExternalVariableIsAnError()
    {
        var e = Assert.Throws<JsonnetException>(() => new JsonnetEngine().EvaluateSnippet("std.extVar('nope')"));
        Assert.Contains("Undefined external variable: nope", e.Message);
    }

    [Fact]
    public void TopLevelArgumentsAsStringAndCode()
    {
        var program = new JsonnetEngine().Parse("function(ctx, greeting='hi', n=1) { msg: greeting + ' ' + ctx.identity.traits.email, n: n }");
        var args = new EvaluationArgs
        {
            TlaStrs = new Dictionary<string, string> { ["greeting"] = "hello" },
            TlaCodes = new Dictionary<string, string> { ["ctx"] = "{\"identity\": {\"traits\": {\"email\": \"a@b.c\"}}}" },
        };
        var node = program.EvaluateToNode(args)!;
        Assert.Equal("hello a@b.c", (string)node["msg"]!);
        Assert.Equal(1L, (long)node["n"]!);
    }

    [Fact]
    public void TopLevelFunctionWithoutArgumentsFails()
    {
        var e = Assert.Throws<JsonnetException>(() => new JsonnetEngine().EvaluateSnippet("function(x) x"));
        Assert.Contains("function parameter x not bound in call.", e.Message);
    }

    [Fact]
    public void EvaluateToNodeGivesJsonNodes()
    {
        var node = new JsonnetEngine().Parse("{ a: [1, 2.5, 'x', null, true], b:: 'hidden', c: { d: {} } }").EvaluateToNode();
        var expected = JsonNode.Parse("{\"a\": [1, 2.5, \"x\", null, true], \"c\": {\"d\": {}}}");
        Assert.True(JsonNode.DeepEquals(expected, node), node?.ToJsonString());
    }

    [Fact]
    public void ImportsGoThroughTheHostResolver()
    {
        var resolver = new InMemoryResolver(new Dictionary<string, string>
        {
            ["lib.libsonnet"] = "{ greet(n):: 'hello ' + n }",
            ["data.txt"] = "raw text",
        });
        var engine = new JsonnetEngine(new JsonnetOptions { ImportResolver = resolver });
        var json = engine.EvaluateSnippet("local lib = import 'lib.libsonnet'; [lib.greet('x'), importstr 'data.txt', importbin 'data.txt'][0:2]");
        Assert.Equal("[\n   \"hello x\",\n   \"raw text\"\n]", json);
        var bytes = engine.EvaluateSnippet("importbin 'data.txt'");
        Assert.StartsWith("[\n   114,", bytes);
        var e = Assert.Throws<JsonnetException>(() => engine.EvaluateSnippet("import 'missing.libsonnet'"));
        Assert.Contains("couldn't open import \"missing.libsonnet\"", e.Message);
    }

    [Fact]
    public void LazyFieldsThatAreNeverUsedDoNotFail()
    {
        var json = new JsonnetEngine().EvaluateSnippet("local o = { bad: error 'boom', good: 1 }; { x: o.good, y:: o.bad }");
        Assert.Equal("{\n   \"x\": 1\n}", json);
    }

    [Fact]
    public void ParsedProgramsCanBeEvaluatedFromManyThreads()
    {
        var engine = new JsonnetEngine();
        var program = engine.Parse("""
            function(n) {
              local base = { a: n, b: self.a * 2 },
              obj: base + { a: super.a + 1 },
              list: [std.toString(i) + ':' + n for i in std.range(1, 20)],
              sorted: std.sort(std.map(function(x) -x, std.range(1, 50))),
              text: std.format('%05d-%s', [n, std.md5(std.toString(n))]),
            }
            """);
        string Expected(int n) => program.Evaluate(new EvaluationArgs { TlaCodes = new Dictionary<string, string> { ["n"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        var expected = Enumerable.Range(0, 16).Select(Expected).ToArray();
        var failures = 0;
        Parallel.For(0, 800, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            if (Expected(i % 16) != expected[i % 16]) Interlocked.Increment(ref failures);
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void ErrorExposesPositionProperties()
    {
        var e = Assert.Throws<JsonnetException>(() => new JsonnetEngine().Parse("{\n  a: 1,\n  b: ]\n}", "conf.jsonnet"));
        Assert.True(e.IsStatic);
        Assert.Equal("conf.jsonnet", e.File);
        Assert.Equal(3, e.Line);
        Assert.Equal(6, e.Column);
    }

    [Fact]
    public void ErrorAndAssertMessages()
    {
        var engine = new JsonnetEngine();
        var e1 = Assert.Throws<JsonnetException>(() => engine.EvaluateSnippet("error 'custom ' + 1"));
        Assert.StartsWith("RUNTIME ERROR: custom 1", e1.Message);
        var e2 = Assert.Throws<JsonnetException>(() => engine.EvaluateSnippet("{ assert self.a > 1 : 'a too small', a: 1 }"));
        Assert.StartsWith("RUNTIME ERROR: a too small", e2.Message);
        var e3 = Assert.Throws<JsonnetException>(() => engine.EvaluateSnippet("std.assertEqual({ a: 1 }, { a: 2 })"));
        Assert.StartsWith("RUNTIME ERROR: Assertion failed. {\"a\": 1} != {\"a\": 2}", e3.Message);
    }

    [Theory]
    [InlineData("1 / 3", "0.33333333333333331")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("-0", "-0")]
    [InlineData("0.1 + 0.2", "0.30000000000000004")]
    [InlineData("1e-7", "9.9999999999999995e-08")]
    [InlineData("[]", "[ ]")]
    [InlineData("{}", "{ }")]
    [InlineData("'\\u007f\\u00e9\\n'", "\"\\u007f\u00e9\\n\"")]
    public void OutputFormattingMatchesTheReference(string source, string expected)
    {
        Assert.Equal(expected, new JsonnetEngine().EvaluateSnippet(source));
    }
}
