namespace Jsonnet.Tests;

/// <summary>Bad input must end in a clear error, never a crash or a hang.</summary>
public class SafetyTests
{
    private static JsonnetException EvaluateOnSmallStack(string source, int maxStack)
    {
        var engine = new JsonnetEngine(new JsonnetOptions { MaxStack = maxStack });
        JsonnetException? error = null;
        // A 1 MB thread: the engine must notice the real stack running out before the process dies.
        var thread = new Thread(() =>
        {
            try
            {
                engine.EvaluateSnippet(source);
            }
            catch (JsonnetException e)
            {
                error = e;
            }
        }, 1024 * 1024);
        thread.Start();
        thread.Join();
        return error ?? throw new Xunit.Sdk.XunitException("expected an error");
    }

    [Theory]
    [InlineData("local f(n) = 1 + f(n + 1); f(0)")]
    [InlineData("local x = x + 1; x")]
    [InlineData("{ x: self }.x")]
    [InlineData("local a(n) = [a(n + 1)]; a(0)")]
    [InlineData("local a(n) = [a(n + 1)]; a(0) == a(0)")]
    [InlineData("local o = { a: self.b, b: self.a }; o.a")]
    [InlineData("local f(n) = if n == 0 then [] else [f(n - 1)]; std.flattenDeepArray(f(100000))")]
    public void RunawayRecursionIsAnError(string source)
    {
        var e = EvaluateOnSmallStack(source, 500);
        Assert.Contains("max stack frames exceeded", e.Message);
        Assert.False(e.IsStatic);
    }

    [Theory]
    [InlineData("std.parseJson", '[', ']', "failed to parse JSON")]
    [InlineData("std.parseYaml", '[', ']', "failed to parse YAML")]
    [InlineData("std.parseYaml", '{', '}', "failed to parse YAML")]
    public void DeeplyNestedDocumentsAreRefused(string function, char open, char close, string expected)
    {
        var doc = new string(open, 50_000) + new string(close, 50_000);
        var e = EvaluateOnSmallStack($"std.length({function}('{doc}'))", 500);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void DeeplyIndentedYamlIsRefused()
    {
        var doc = string.Concat(Enumerable.Range(0, 3000).Select(i => new string(' ', i) + "- \\n"));
        var e = EvaluateOnSmallStack($"std.length(std.parseYaml('{doc}'))", 500);
        Assert.Contains("failed to parse YAML", e.Message);
    }

    [Fact]
    public void RealStackIsProtectedEvenWithAHugeFrameLimit()
    {
        var e = EvaluateOnSmallStack("local f(n) = if n == 0 then 0 else 1 + f(n - 1); f(1000000)", 10_000_000);
        Assert.Contains("max stack frames exceeded", e.Message);
    }

    [Fact]
    public void LongOperatorChainsDoNotCrash()
    {
        var source = string.Join(" + ", Enumerable.Repeat("1", 200_000));
        var e = EvaluateOnSmallStack(source, 500);
        Assert.Contains("depth", e.Message + "max stack frames exceeded");
    }

    [Fact]
    public void DeepNestingIsAStaticError()
    {
        var e = Assert.Throws<JsonnetException>(() => new JsonnetEngine().Parse(new string('[', 10000) + new string(']', 10000)));
        Assert.True(e.IsStatic);
        Assert.Contains("maximum parse depth", e.Message);
    }

    [Fact]
    public void TimeLimitStopsEndlessLoops()
    {
        var engine = new JsonnetEngine(new JsonnetOptions { Timeout = TimeSpan.FromMilliseconds(200) });
        var started = DateTime.UtcNow;
        var e = Assert.Throws<JsonnetException>(() =>
            engine.EvaluateSnippet("local loop(n) = if n < 0 then n else loop(n + 1) tailstrict; loop(0)"));
        Assert.Contains("time limit", e.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void TimeLimitStopsHugeComprehensions()
    {
        var engine = new JsonnetEngine(new JsonnetOptions { Timeout = TimeSpan.FromMilliseconds(200) });
        var e = Assert.Throws<JsonnetException>(() =>
            engine.EvaluateSnippet("std.length([x for x in std.range(1, 100000) for y in std.range(1, 100000) if x == y && x < 0])"));
        Assert.Contains("time limit", e.Message);
    }

    [Fact]
    public void CancellationStopsEvaluation()
    {
        var engine = new JsonnetEngine();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.ThrowsAny<OperationCanceledException>(() =>
            engine.Parse("local loop(n) = if n < 0 then n else loop(n + 1) tailstrict; loop(0)").Evaluate(null, cts.Token));
    }

    [Fact]
    public void HugeOutputIsAnError()
    {
        var engine = new JsonnetEngine(new JsonnetOptions { MaxOutputLength = 1_000_000 });
        var e = Assert.Throws<JsonnetException>(() => engine.EvaluateSnippet("std.makeArray(1000000, function(i) 'some text')"));
        Assert.Contains("larger than the limit", e.Message);
    }

    [Theory]
    [InlineData("{ a: 1", "1:7")]
    [InlineData("local x = ; x", "1:11")]
    [InlineData("'unterminated", "1:1")]
    [InlineData("[1, 2,, 3]", "1:7")]
    [InlineData("{ a: b }", "1:6")]
    public void SyntaxErrorsCarryThePosition(string source, string position)
    {
        var e = Assert.Throws<JsonnetException>(() => new JsonnetEngine().Parse(source, "input.jsonnet"));
        Assert.True(e.IsStatic);
        Assert.StartsWith("STATIC ERROR: input.jsonnet:" + position, e.Message);
    }

    [Fact]
    public void RuntimeErrorsCarryPositionAndTrace()
    {
        var source = "local f(x) =\n  x / 0;\nf(1)\n";
        var e = Assert.Throws<JsonnetException>(() => new JsonnetEngine().EvaluateSnippet(source, fileName: "calc.jsonnet"));
        Assert.False(e.IsStatic);
        Assert.Equal("calc.jsonnet", e.File);
        Assert.Equal(2, e.Line);
        Assert.Equal(3, e.Column);
        Assert.Equal("RUNTIME ERROR: division by zero.\n\tcalc.jsonnet:2:3-8\tfunction <f>\n\tcalc.jsonnet:3:1-5\t", e.Message);
        Assert.Equal(2, e.Trace.Count);
    }

    [Fact]
    public void ImportsOutsideTheAllowedFoldersAreRefused()
    {
        var root = Directory.CreateTempSubdirectory("jsonnet-allowed");
        var outside = Directory.CreateTempSubdirectory("jsonnet-outside");
        try
        {
            File.WriteAllText(Path.Combine(root.FullName, "ok.libsonnet"), "{ fine: true }");
            File.WriteAllText(Path.Combine(outside.FullName, "secret.libsonnet"), "{ secret: 42 }");
            var engine = new JsonnetEngine(new JsonnetOptions { ImportResolver = new FileSystemImportResolver(new[] { root.FullName }) });
            var main = Path.Combine(root.FullName, "main.jsonnet");
            Assert.Equal("true", engine.Parse("(import 'ok.libsonnet').fine", main).Evaluate());
            var relative = Path.GetRelativePath(root.FullName, Path.Combine(outside.FullName, "secret.libsonnet"));
            var e = Assert.Throws<JsonnetException>(() => engine.Parse($"(import '{relative}').secret", main).Evaluate());
            Assert.Contains("outside the allowed folders", e.Message);
            Assert.Contains("main.jsonnet:1:2", e.Message);
            var abs = Assert.Throws<JsonnetException>(() => engine.Parse("importstr '/etc/passwd'", main).Evaluate());
            Assert.Contains("outside the allowed folders", abs.Message);
        }
        finally
        {
            root.Delete(true);
            outside.Delete(true);
        }
    }

    [Fact]
    public void SymbolicLinksCannotLeadOutOfTheAllowedFolders()
    {
        var root = Directory.CreateTempSubdirectory("jsonnet-allowed");
        var outside = Directory.CreateTempSubdirectory("jsonnet-outside");
        try
        {
            File.WriteAllText(Path.Combine(outside.FullName, "secret.libsonnet"), "{ secret: 42 }");
            File.CreateSymbolicLink(Path.Combine(root.FullName, "link.libsonnet"), Path.Combine(outside.FullName, "secret.libsonnet"));
            Directory.CreateSymbolicLink(Path.Combine(root.FullName, "dir"), outside.FullName);
            File.WriteAllText(Path.Combine(root.FullName, "inside.libsonnet"), "{ ok: 1 }");
            File.CreateSymbolicLink(Path.Combine(root.FullName, "inner-link.libsonnet"), Path.Combine(root.FullName, "inside.libsonnet"));
            var engine = new JsonnetEngine(new JsonnetOptions { ImportResolver = new FileSystemImportResolver(new[] { root.FullName }) });
            var main = Path.Combine(root.FullName, "main.jsonnet");
            Assert.Equal("1", engine.Parse("(import 'inner-link.libsonnet').ok", main).Evaluate());
            foreach (var path in new[] { "link.libsonnet", "dir/secret.libsonnet" })
            {
                var e = Assert.Throws<JsonnetException>(() => engine.Parse($"(import '{path}').secret", main).Evaluate());
                Assert.Contains("outside the allowed folders", e.Message);
            }
        }
        finally
        {
            root.Delete(true);
            outside.Delete(true);
        }
    }

    [Fact]
    public void WithoutResolverNothingCanBeImported()
    {
        var e = Assert.Throws<JsonnetException>(() => new JsonnetEngine().EvaluateSnippet("importstr '/etc/hostname'"));
        Assert.Contains("no import resolver", e.Message);
    }
}

public class SizeLimitTests
{
    [Theory]
    [InlineData("std.length(std.repeat('x', 1e9))")]
    [InlineData("std.length(std.makeArray(1e9, function(i) i))")]
    [InlineData("std.length(std.range(0, 1e9))")]
    [InlineData("std.length(std.format('%1000000000d', [1]))")]
    [InlineData("local s = std.repeat('x', 1000000); local twice(x, n) = if n == 0 then x else twice(x + x, n - 1); std.length(twice(s, 40))")]
    public void OversizedValuesAreRefused(string source)
    {
        var engine = new JsonnetEngine(new JsonnetOptions { MaxOutputLength = 10_000_000 });
        var e = Assert.Throws<JsonnetException>(() => engine.EvaluateSnippet(source));
        Assert.Contains("larger than the limit", e.Message);
    }
}
