using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Jsonnet;

/// <summary>Settings shared by all evaluations of an engine.</summary>
public sealed class JsonnetOptions
{
    /// <summary>Resolves import, importstr and importbin; without one every import fails.</summary>
    public IImportResolver? ImportResolver { get; init; }

    /// <summary>Maximum depth of nested calls before "max stack frames exceeded".</summary>
    public int MaxStack { get; init; } = 500;

    /// <summary>Wall-clock limit for one evaluation; null for none.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Maximum length of the produced JSON text, in characters.</summary>
    public int MaxOutputLength { get; init; } = 64 * 1024 * 1024;

    /// <summary>Where std.trace writes its messages.</summary>
    public TextWriter TraceWriter { get; init; } = Console.Error;
}

/// <summary>External variables and top-level arguments for one evaluation.</summary>
public sealed class EvaluationArgs
{
    public IReadOnlyDictionary<string, string>? ExtStrs { get; init; }
    public IReadOnlyDictionary<string, string>? ExtCodes { get; init; }
    public IReadOnlyDictionary<string, string>? TlaStrs { get; init; }
    public IReadOnlyDictionary<string, string>? TlaCodes { get; init; }

    public static readonly EvaluationArgs None = new();
}

/// <summary>Parses Jsonnet programs; parsed programs can be evaluated many times from many threads.</summary>
public sealed class JsonnetEngine
{
    private readonly ConcurrentDictionary<string, (string Source, JsonnetProgram Program)> _importCache = new();

    public JsonnetEngine(JsonnetOptions? options = null)
    {
        Options = options ?? new JsonnetOptions();
    }

    public JsonnetOptions Options { get; }

    /// <summary>Parses and checks a program; throws <see cref="JsonnetException"/> on syntax or static errors.</summary>
    public JsonnetProgram Parse(string source, string fileName = "<snippet>")
    {
        var tokens = new Lexer(source, fileName).Tokenize();
        var root = new Parser(tokens).ParseProgram();
        root.Resolve(StdLib.RootScope);
        return new JsonnetProgram(this, root, fileName);
    }

    /// <summary>Reads and parses a file through the file system.</summary>
    public JsonnetProgram ParseFile(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses and evaluates a snippet in one step.</summary>
    public string EvaluateSnippet(string source, EvaluationArgs? args = null, string fileName = "<snippet>", CancellationToken cancellationToken = default) =>
        Parse(source, fileName).Evaluate(args, cancellationToken);

    internal JsonnetProgram ParseCached(string path, Func<string> load)
    {
        var source = load();
        if (_importCache.TryGetValue(path, out var entry) && entry.Source == source) return entry.Program;
        var program = Parse(source, path);
        _importCache[path] = (source, program);
        return program;
    }
}

/// <summary>A parsed program, ready to evaluate.</summary>
public sealed class JsonnetProgram
{
    private readonly JsonnetEngine _engine;

    internal JsonnetProgram(JsonnetEngine engine, Expr root, string fileName)
    {
        _engine = engine;
        Root = root;
        FileName = fileName;
    }

    internal Expr Root { get; }

    public string FileName { get; }

    /// <summary>Evaluates and returns the JSON text, formatted like the reference command-line tool.</summary>
    public string Evaluate(EvaluationArgs? args = null, CancellationToken cancellationToken = default)
    {
        var ctx = new EvalContext(_engine, cancellationToken);
        var value = EvaluateValue(ctx, args ?? EvaluationArgs.None);
        return Manifester.ManifestTopLevel(ctx, value, _engine.Options.MaxOutputLength);
    }

    /// <summary>Evaluates and returns the result as a JSON node (null for a JSON null).</summary>
    public JsonNode? EvaluateToNode(EvaluationArgs? args = null, CancellationToken cancellationToken = default)
    {
        var ctx = new EvalContext(_engine, cancellationToken);
        var value = EvaluateValue(ctx, args ?? EvaluationArgs.None);
        return Manifester.ToNode(ctx, value);
    }

    private Value EvaluateValue(EvalContext ctx, EvaluationArgs args)
    {
        if (args.ExtStrs != null)
        {
            foreach (var (k, v) in args.ExtStrs) ctx.ExtVars[k] = new JString(v);
        }
        if (args.ExtCodes != null)
        {
            foreach (var (k, v) in args.ExtCodes) ctx.ExtVars[k] = CodeThunk(ctx, v, $"<extvar:{k}>");
        }
        var value = Root.Eval(ctx.RootEnv(FileName));
        if (value is JFunction fn) value = CallTopLevel(ctx, fn, args);
        return value;
    }

    private Thunk CodeThunk(EvalContext ctx, string code, string name)
    {
        // Hosts often pass JSON documents as code; reading them as JSON is much cheaper than parsing Jsonnet.
        if (JsonReader.TryParseDocument(code, out var value)) return value;
        var program = _engine.Parse(code, name);
        return new LazyThunk(program.Root, ctx.RootEnv(name), name);
    }

    private Value CallTopLevel(EvalContext ctx, JFunction fn, EvaluationArgs args)
    {
        var named = new Dictionary<string, Thunk>();
        if (args.TlaStrs != null)
        {
            foreach (var (k, v) in args.TlaStrs) named[k] = new JString(v);
        }
        if (args.TlaCodes != null)
        {
            foreach (var (k, v) in args.TlaCodes) named[k] = CodeThunk(ctx, v, $"<top-level-arg:{k}>");
        }
        int count = fn.ParamCount;
        var call = new List<Thunk>();
        for (int i = 0; i < count; i++)
        {
            if (named.Remove(fn.ParamName(i), out var t))
            {
                call.Add(t);
                continue;
            }
            // Remaining parameters must have defaults; leave them out of the call.
            for (int j = i; j < count; j++)
            {
                if (named.ContainsKey(fn.ParamName(j))) throw TopLevelError($"function parameter {fn.ParamName(i)} not bound in call.");
            }
            break;
        }
        if (named.Count > 0) throw TopLevelError($"function has no parameter {named.Keys.First()}");
        for (int i = call.Count; i < count; i++)
        {
            if (!fn.HasDefault(i)) throw TopLevelError($"function parameter {fn.ParamName(i)} not bound in call.");
        }
        try
        {
            return fn.Call(ctx, call.ToArray(), null);
        }
        catch (JsonnetException e)
        {
            e.AddFrame(null, "Top-level function");
            throw;
        }
    }

    private static JsonnetException TopLevelError(string message)
    {
        var e = JsonnetException.Runtime(message);
        e.AddFrame(null, "Top-level function");
        return e;
    }
}
