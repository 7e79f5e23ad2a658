namespace Jsonnet;

/// <summary>A function written in Jsonnet together with the environment it was defined in.</summary>
internal sealed class Closure(FunctionExpr function, Env env, string? name) : JFunction
{
    public readonly FunctionExpr Function = function;
    public readonly Env Env = env;

    public override string Name => name ?? "anonymous";
    public override int ParamCount => Function.Params.Length;
    public override string ParamName(int i) => Function.ParamNames[i];
    public override bool HasDefault(int i) => Function.Params[i].Default != null;

    public Env BindPositional(Thunk[] args, SourceSpan? site)
    {
        var ps = Function.Params;
        if (args.Length > ps.Length) throw JsonnetException.Runtime($"too many args, function has {ps.Length} parameter(s)", site);
        var slots = new Thunk[ps.Length];
        var callEnv = new Env(Env, slots);
        Array.Copy(args, slots, args.Length);
        for (int i = args.Length; i < ps.Length; i++)
        {
            var d = ps[i].Default ?? throw JsonnetException.Runtime($"Missing argument: {ps[i].Name}", site);
            slots[i] = new LazyThunk(d, callEnv, ps[i].Name);
        }
        return callEnv;
    }

    public override Value Call(EvalContext ctx, Thunk[] args, SourceSpan? callSite)
    {
        var callEnv = BindPositional(args, callSite);
        ctx.Enter(callSite);
        try
        {
            return Interpreter.RunBody(Function.Body, callEnv);
        }
        catch (JsonnetException e) when (e.AddFrameAndContinue($"function <{Name}>", callSite))
        {
            throw;
        }
        finally
        {
            ctx.Depth--;
        }
    }
}

/// <summary>A standard library function implemented in C#.</summary>
internal sealed class Builtin : JFunction
{
    public delegate Value Impl(EvalContext ctx, Thunk[] args, SourceSpan? site);

    private readonly string _name;
    public readonly string[] Params;
    public readonly Thunk?[] Defaults;
    private readonly Impl _impl;

    public Builtin(string name, string[] parameters, Impl impl, Thunk?[]? defaults = null)
    {
        _name = name;
        Params = parameters;
        _impl = impl;
        Defaults = defaults ?? new Thunk?[parameters.Length];
    }

    public override string Name => "std." + _name;
    public override int ParamCount => Params.Length;
    public override string ParamName(int i) => Params[i];
    public override bool HasDefault(int i) => Defaults[i] != null;

    public Value Invoke(EvalContext ctx, Thunk[] args, SourceSpan? site) => _impl(ctx, args, site);

    public override Value Call(EvalContext ctx, Thunk[] args, SourceSpan? callSite)
    {
        if (args.Length > Params.Length) throw JsonnetException.Runtime($"too many args, function has {Params.Length} parameter(s)", callSite);
        if (args.Length < Params.Length)
        {
            var full = new Thunk[Params.Length];
            Array.Copy(args, full, args.Length);
            for (int i = args.Length; i < full.Length; i++)
            {
                full[i] = Defaults[i] ?? throw JsonnetException.Runtime($"Missing argument: {Params[i]}", callSite);
            }
            args = full;
        }
        return _impl(ctx, args, callSite);
    }
}

internal static class Interpreter
{
    public static bool Truth(Value v, SourceSpan span)
    {
        if (v is JBool b) return b.Value;
        throw JsonnetException.Runtime($"Condition must be boolean, got {v.TypeName}.", span);
    }

    /// <summary>Evaluates a function body; tailstrict calls in tail position reuse this loop instead of the stack.</summary>
    public static Value RunBody(Expr body, Env env)
    {
        while (true)
        {
            switch (body)
            {
                case IfExpr i:
                    if (Truth(i.Cond.Eval(env), i.Cond.Span))
                    {
                        body = i.Then;
                    }
                    else if (i.Else != null)
                    {
                        body = i.Else;
                    }
                    else
                    {
                        return JNull.Instance;
                    }
                    continue;
                case LocalExpr l:
                    env = l.BindEnv(env);
                    body = l.Body;
                    continue;
                case ApplyExpr { TailStrict: true } a:
                    var target = a.Target.Eval(env);
                    if (target is Closure c)
                    {
                        env.Context.Tick();
                        env = a.BindArgs(c, env);
                        body = c.Function.Body;
                        continue;
                    }
                    return a.CallTarget(target, env);
                default:
                    return body.Eval(env);
            }
        }
    }
}
