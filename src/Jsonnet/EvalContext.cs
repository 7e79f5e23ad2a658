using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Jsonnet;

/// <summary>State of one evaluation: stack depth, limits, external variables and imports.</summary>
internal sealed class EvalContext
{
    private readonly JsonnetEngine _engine;
    private readonly CancellationToken _cancellation;
    private readonly long _deadline;
    private int _ticks;
    private Dictionary<string, Thunk>? _importCache;

    public int Depth;
    public readonly int MaxStack;
    public readonly Dictionary<string, Thunk> ExtVars = new();

    public EvalContext(JsonnetEngine engine, CancellationToken cancellation)
    {
        _engine = engine;
        _cancellation = cancellation;
        MaxStack = engine.Options.MaxStack;
        var timeout = engine.Options.Timeout;
        _deadline = timeout is { } t && t > TimeSpan.Zero ? Stopwatch.GetTimestamp() + (long)(t.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
    }

    public JsonnetEngine Engine => _engine;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enter(SourceSpan? span)
    {
        if (++Depth > MaxStack || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            Depth--;
            throw JsonnetException.Runtime("max stack frames exceeded.", span);
        }
        if ((++_ticks & 1023) == 0) CheckLimits();
    }

    /// <summary>Counts a nested step of a recursive builtin (equality, manifest, ...) until disposed.</summary>
    public DepthScope Nest(SourceSpan? span)
    {
        Enter(span);
        return new DepthScope(this);
    }

    public readonly struct DepthScope(EvalContext ctx) : IDisposable
    {
        public void Dispose() => ctx.Depth--;
    }

    public static void EnsureStack(SourceSpan span)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack()) throw JsonnetException.Runtime("max stack frames exceeded.", span);
    }

    /// <summary>Refuses strings and arrays larger than the output limit before they are built.</summary>
    public void CheckSize(double size, SourceSpan? span)
    {
        if (size > _engine.Options.MaxOutputLength)
        {
            throw JsonnetException.Runtime($"value of size {size} is larger than the limit of {_engine.Options.MaxOutputLength}", span);
        }
    }

    public void Tick()
    {
        if ((++_ticks & 1023) == 0) CheckLimits();
    }

    private void CheckLimits()
    {
        if (_cancellation.IsCancellationRequested) throw new OperationCanceledException(_cancellation);
        if (Stopwatch.GetTimestamp() > _deadline) throw JsonnetException.Runtime("evaluation time limit exceeded");
    }

    /// <summary>A fresh root environment for code from <paramref name="file"/>, with std bound.</summary>
    public Env RootEnv(string file) => new(this, new Thunk[] { StdLib.ForFile(file) });

    public Value Import(ImportKind kind, string path, SourceSpan span)
    {
        var resolver = _engine.Options.ImportResolver ?? throw JsonnetException.Runtime($"couldn't open import \"{path}\": no import resolver configured", span);
        ImportedFile file;
        try
        {
            file = resolver.Resolve(span.File, path);
        }
        catch (JsonnetException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw JsonnetException.Runtime($"couldn't open import \"{path}\": {e.Message}", span);
        }
        string key = kind + ":" + file.FoundPath;
        _importCache ??= new Dictionary<string, Thunk>();
        if (_importCache.TryGetValue(key, out var cached)) return cached.Force();
        Thunk result;
        switch (kind)
        {
            case ImportKind.String:
                result = new JString(DecodeUtf8(file.Content));
                break;
            case ImportKind.Binary:
                result = new JArray(file.Content.Select(b => (Thunk)JNumber.Of(b)).ToArray());
                break;
            default:
                var program = _engine.ParseCached(file.FoundPath, () => DecodeUtf8(file.Content));
                result = new LazyThunk(program.Root, RootEnv(file.FoundPath), "import");
                break;
        }
        _importCache[key] = result;
        return result.Force();
    }

    private static string DecodeUtf8(byte[] bytes) => new System.Text.UTF8Encoding(false, false).GetString(bytes);
}
