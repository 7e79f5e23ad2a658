using System.Text;

namespace Jsonnet;

/// <summary>A position range in a Jsonnet source file (lines and columns start at 1).</summary>
public readonly record struct SourceSpan(string File, int Line, int Column, int EndLine, int EndColumn)
{
    public override string ToString()
    {
        if (Line == 0) return File;
        if (EndLine == Line)
        {
            return EndColumn > Column + 1 ? $"{File}:{Line}:{Column}-{EndColumn}" : $"{File}:{Line}:{Column}";
        }
        return $"{File}:({Line}:{Column})-({EndLine}:{EndColumn})";
    }
}

/// <summary>One line of a Jsonnet stack trace.</summary>
public readonly record struct TraceFrame(SourceSpan? Location, string Description)
{
    public override string ToString() => Location == null ? $"\t{Description}\t" : $"\t{Location}\t{Description}";
}

/// <summary>A static (parse) or runtime error raised while evaluating Jsonnet.</summary>
public sealed class JsonnetException : Exception
{
    private readonly List<TraceFrame> _frames = new();

    private JsonnetException(string message, bool isStatic, SourceSpan? location) : base(message)
    {
        IsStatic = isStatic;
        Location = location;
    }

    /// <summary>True for syntax and static-check errors, false for runtime errors.</summary>
    public bool IsStatic { get; }

    /// <summary>Where the error happened, when known.</summary>
    public SourceSpan? Location { get; private set; }

    public string? File => Location?.File;
    public int Line => Location?.Line ?? 0;
    public int Column => Location?.Column ?? 0;

    /// <summary>The error text without position or trace.</summary>
    public string ErrorMessage => base.Message;

    public IReadOnlyList<TraceFrame> Trace => _frames;

    public override string Message
    {
        get
        {
            var sb = new StringBuilder();
            if (IsStatic)
            {
                sb.Append("STATIC ERROR: ");
                if (Location != null) sb.Append(Location).Append(": ");
                sb.Append(base.Message);
                return sb.ToString();
            }
            sb.Append("RUNTIME ERROR: ").Append(base.Message);
            int shown = 0;
            foreach (var frame in _frames)
            {
                // Very deep traces are cut in the middle, like the reference implementation does.
                if (_frames.Count > 40 && shown >= 20 && shown < _frames.Count - 20)
                {
                    if (shown == 20) sb.Append("\n\t...");
                    shown++;
                    continue;
                }
                sb.Append('\n').Append(frame.ToString());
                shown++;
            }
            return sb.ToString();
        }
    }

    public override string ToString() => Message;

    internal static JsonnetException Static(string message, SourceSpan location) => new(message, true, location);

    internal static JsonnetException Runtime(string message, SourceSpan? location = null)
    {
        var e = new JsonnetException(message, false, location);
        if (location != null) e._frames.Add(new TraceFrame(location, ""));
        return e;
    }

    /// <summary>
    /// Used as an exception filter: records the frame while the exception passes and never catches it.
    /// (Catching and rethrowing at every level would pile up exception dispatch on the stack.)
    /// </summary>
    internal bool AddFrameAndContinue(string context, SourceSpan? callSite)
    {
        AddContext(context, callSite);
        return false;
    }

    /// <summary>
    /// Leaving a function, thunk or field while unwinding: the innermost location gets the name of the
    /// context it is in, and the place that entered the context (a call site) becomes the next location.
    /// </summary>
    internal void AddContext(string context, SourceSpan? callSite)
    {
        if (_frames.Count > 10000) return;
        // An error raised by a builtin at its own call site already has that location.
        if (context.Length == 0 && _frames.Count > 0 && _frames[^1].Location == callSite && _frames[^1].Description.Length == 0) return;
        if (_frames.Count > 0 && _frames[^1].Description.Length == 0 && _frames[^1].Location != null)
        {
            _frames[^1] = _frames[^1] with { Description = context };
        }
        if (callSite != null)
        {
            if (Location == null) Location = callSite;
            _frames.Add(new TraceFrame(callSite, ""));
        }
    }

    internal void AddFrame(SourceSpan? location, string description)
    {
        if (_frames.Count > 10000) return;
        if (Location == null && location != null) Location = location;
        if (_frames.Count > 0 && _frames[^1].Description.Length == 0 && _frames[^1].Location == location)
        {
            _frames[^1] = new TraceFrame(location, description);
            return;
        }
        _frames.Add(new TraceFrame(location, description));
    }
}
