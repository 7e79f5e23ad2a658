using System.Text;

namespace Jsonnet;

/// <summary>A possibly not yet computed value.</summary>
internal abstract class Thunk
{
    public abstract Value Force();
}

/// <summary>A Jsonnet expression waiting to be evaluated in an environment.</summary>
internal sealed class LazyThunk : Thunk
{
    private Expr? _expr;
    private Env? _env;
    private Value? _value;
    private readonly string? _name;

    public LazyThunk(Expr expr, Env env, string? name = null)
    {
        _expr = expr;
        _env = env;
        _name = name;
    }

    public override Value Force()
    {
        if (_value != null) return _value;
        var expr = _expr!;
        var env = _env!;
        var ctx = env.Context;
        ctx.Enter(expr.Span);
        try
        {
            _value = expr.Eval(env);
        }
        catch (JsonnetException e) when (e.AddFrameAndContinue($"thunk <{_name ?? "anonymous"}>", null))
        {
            throw;
        }
        finally
        {
            ctx.Depth--;
        }
        _expr = null;
        _env = null;
        return _value;
    }
}

/// <summary>A thunk computed by a C# delegate (used by the standard library).</summary>
internal sealed class DelegateThunk(Func<Value> compute) : Thunk
{
    private Value? _value;

    public override Value Force() => _value ??= compute();
}

internal abstract class Value : Thunk
{
    public sealed override Value Force() => this;
    public abstract string TypeName { get; }
}

internal sealed class JNull : Value
{
    public static readonly JNull Instance = new();
    public override string TypeName => "null";
}

internal sealed class JBool : Value
{
    public static readonly JBool True = new(true);
    public static readonly JBool False = new(false);
    public readonly bool Value;
    private JBool(bool v) => Value = v;
    public static JBool Of(bool v) => v ? True : False;
    public override string TypeName => "boolean";
}

internal sealed class JNumber : Value
{
    private static readonly JNumber[] Small = Enumerable.Range(-128, 1280).Select(i => new JNumber(i)).ToArray();
    public readonly double Value;
    private JNumber(double v) => Value = v;

    public static JNumber Of(double v)
    {
        if (v >= -128 && v < 1152)
        {
            int i = (int)v;
            if (i == v && !(v == 0 && double.IsNegative(v))) return Small[i + 128];
        }
        return new JNumber(v);
    }

    public override string TypeName => "number";
}

/// <summary>A string; long concatenations are kept as a pair and joined on first use.</summary>
internal sealed class JString : Value
{
    public static readonly JString Empty = new("");
    private string? _flat;
    private JString? _left, _right;
    public readonly int Utf16Length;

    public JString(string s)
    {
        _flat = s;
        Utf16Length = s.Length;
    }

    private JString(JString left, JString right)
    {
        _left = left;
        _right = right;
        Utf16Length = left.Utf16Length + right.Utf16Length;
    }

    public static JString Concat(JString a, JString b)
    {
        if (a.Utf16Length == 0) return b;
        if (b.Utf16Length == 0) return a;
        if (a.Utf16Length + b.Utf16Length < 256) return new JString(a.Value + b.Value);
        return new JString(a, b);
    }

    public string Value
    {
        get
        {
            if (_flat != null) return _flat;
            var sb = new StringBuilder(Utf16Length);
            var stack = new Stack<JString>();
            stack.Push(this);
            while (stack.Count > 0)
            {
                var s = stack.Pop();
                if (s._flat != null)
                {
                    sb.Append(s._flat);
                }
                else
                {
                    stack.Push(s._right!);
                    stack.Push(s._left!);
                }
            }
            _flat = sb.ToString();
            _left = _right = null;
            return _flat;
        }
    }

    public override string TypeName => "string";
    public override string ToString() => Value;
}

internal sealed class JArray : Value
{
    public static readonly JArray Empty = new(Array.Empty<Thunk>());
    public readonly Thunk[] Items;
    public JArray(Thunk[] items) => Items = items;
    public int Length => Items.Length;
    public override string TypeName => "array";
}

internal abstract class JFunction : Value
{
    public override string TypeName => "function";
    public abstract string Name { get; }
    public abstract int ParamCount { get; }
    public abstract string ParamName(int i);
    public abstract bool HasDefault(int i);

    /// <summary>Calls with positional arguments only (used by the standard library).</summary>
    public abstract Value Call(EvalContext ctx, Thunk[] args, SourceSpan? callSite);
}
