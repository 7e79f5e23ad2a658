namespace Jsonnet;

internal abstract class Expr
{
    public SourceSpan Span;

    public abstract Value Eval(Env env);

    /// <summary>Resolves variables to slots and runs the static checks.</summary>
    public abstract void Resolve(Scope scope);

    /// <summary>A thunk for this expression; constants and variables need no new thunk.</summary>
    public virtual Thunk Delay(Env env) => new LazyThunk(this, env);
}

internal sealed class LiteralExpr(Value value) : Expr
{
    public readonly Value Value = value;
    public override Value Eval(Env env) => Value;
    public override void Resolve(Scope scope) { }
    public override Thunk Delay(Env env) => Value;
}

internal sealed class VarExpr(string name) : Expr
{
    public readonly string Name = name;
    private int _depth;
    private int _index;

    public override Value Eval(Env env)
    {
        var e = env;
        for (int i = _depth; i > 0; i--) e = e.Parent!;
        return e.Slots[_index].Force();
    }

    public override Thunk Delay(Env env)
    {
        var e = env;
        for (int i = _depth; i > 0; i--) e = e.Parent!;
        return e.Slots[_index];
    }

    /// <summary>True when this is the standard library's own "std" (not a local of that name).</summary>
    public bool IsRootStd { get; private set; }

    public override void Resolve(Scope scope)
    {
        if (!scope.TryResolve(Name, out _depth, out _index, out bool inRoot)) throw JsonnetException.Static($"Unknown variable: {Name}", Span);
        IsRootStd = inRoot && Name == "std";
    }
}

internal sealed class SelfExpr : Expr
{
    public override Value Eval(Env env) => env.Self!;
    public override void Resolve(Scope scope)
    {
        if (!scope.InObject) throw JsonnetException.Static("Can't use self outside of an object.", Span);
    }
}

internal sealed class DollarExpr : Expr
{
    public override Value Eval(Env env) => env.Dollar!;
    public override void Resolve(Scope scope)
    {
        if (!scope.InObject) throw JsonnetException.Static("Can't use $ outside of an object.", Span);
    }
}

/// <summary>super.f or super[e].</summary>
internal sealed class SuperIndexExpr(Expr index) : Expr
{
    public readonly Expr Index = index;

    public override Value Eval(Env env)
    {
        var key = Index.Eval(env);
        if (key is not JString s) throw JsonnetException.Runtime($"super index must be string, got {key.TypeName}.", Span);
        var v = env.Self!.GetSuperField(env.Context, s.Value, env.SuperIndex);
        return v ?? throw JsonnetException.Runtime($"field does not exist: {s.Value}", Span);
    }

    public override void Resolve(Scope scope)
    {
        if (!scope.InObject) throw JsonnetException.Static("Can't use super outside of an object.", Span);
        Index.Resolve(scope);
    }
}

/// <summary>e in super.</summary>
internal sealed class InSuperExpr(Expr key) : Expr
{
    public readonly Expr Key = key;

    public override Value Eval(Env env)
    {
        var key = Key.Eval(env);
        if (key is not JString s) throw JsonnetException.Runtime($"in operator: field name must be string, got {key.TypeName}.", Span);
        return JBool.Of(env.Self!.FindLayer(s.Value, env.SuperIndex - 1, true) >= 0);
    }

    public override void Resolve(Scope scope)
    {
        if (!scope.InObject) throw JsonnetException.Static("Can't use super outside of an object.", Span);
        Key.Resolve(scope);
    }
}

internal sealed class IndexExpr(Expr target, Expr index) : Expr
{
    public readonly Expr Target = target;
    public readonly Expr Index = index;

    // std.name resolved once: the standard library's functions are the same in every evaluation.
    private Builtin? _stdFunction;

    public override Value Eval(Env env)
    {
        if (_stdFunction != null) return _stdFunction;
        EvalContext.EnsureStack(Span);
        var target = Target.Eval(env);
        try
        {
            if (target is JObject obj && Index is LiteralExpr { Value: JString name })
            {
                return obj.GetField(env.Context, name.Value, Span);
            }
            return Operators.Index(env.Context, target, Index.Eval(env), Span);
        }
        catch (JsonnetException e) when (e.AddFrameAndContinue("", Span))
        {
            throw;
        }
    }

    public override void Resolve(Scope scope)
    {
        Parser.EnsureStack(Span);
        Target.Resolve(scope);
        Index.Resolve(scope);
        if (Target is VarExpr { IsRootStd: true } && Index is LiteralExpr { Value: JString name }) _stdFunction = StdLib.TryGetBuiltin(name.Value);
    }
}

internal sealed class SliceExpr(Expr target, Expr? from, Expr? to, Expr? step) : Expr
{
    public override Value Eval(Env env)
    {
        var t = target.Eval(env);
        var f = from?.Eval(env);
        var e = to?.Eval(env);
        var s = step?.Eval(env);
        return Std.Slice(t, f, e, s, Span);
    }

    public override void Resolve(Scope scope)
    {
        target.Resolve(scope);
        from?.Resolve(scope);
        to?.Resolve(scope);
        step?.Resolve(scope);
    }
}

internal sealed class LocalBind(string name, Expr body, SourceSpan span)
{
    public readonly string Name = name;
    public readonly Expr Body = body;
    public readonly SourceSpan Span = span;
}

internal sealed class LocalExpr(LocalBind[] binds, Expr body) : Expr
{
    public readonly LocalBind[] Binds = binds;
    public readonly Expr Body = body;

    public Env BindEnv(Env env)
    {
        var slots = new Thunk[Binds.Length];
        var inner = new Env(env, slots);
        for (int i = 0; i < slots.Length; i++)
        {
            var b = Binds[i].Body;
            slots[i] = b is FunctionExpr f ? f.MakeClosure(inner, Binds[i].Name) : b is LiteralExpr lit ? lit.Value : new LazyThunk(b, inner, Binds[i].Name);
        }
        return inner;
    }

    public override Value Eval(Env env) => Body.Eval(BindEnv(env));

    public override void Resolve(Scope scope)
    {
        var names = Binds.Select(b => b.Name).ToArray();
        CheckDuplicates(Binds);
        var inner = scope.Child(names);
        foreach (var b in Binds) b.Body.Resolve(inner);
        Body.Resolve(inner);
    }

    public static void CheckDuplicates(LocalBind[] binds)
    {
        var seen = new HashSet<string>();
        foreach (var b in binds)
        {
            if (!seen.Add(b.Name)) throw JsonnetException.Static($"duplicate local var: {b.Name}", b.Span);
        }
    }
}

internal sealed class Param(string name, Expr? defaultValue)
{
    public readonly string Name = name;
    public readonly Expr? Default = defaultValue;
}

internal sealed class FunctionExpr(Param[] parameters, Expr body) : Expr
{
    public readonly Param[] Params = parameters;
    public readonly Expr Body = body;
    public readonly string[] ParamNames = parameters.Select(p => p.Name).ToArray();

    public Closure MakeClosure(Env env, string? name) => new(this, env, name);

    public override Value Eval(Env env) => new Closure(this, env, null);

    public override void Resolve(Scope scope)
    {
        var seen = new HashSet<string>();
        foreach (var p in Params)
        {
            if (!seen.Add(p.Name)) throw JsonnetException.Static($"duplicate function parameter: {p.Name}", Span);
        }
        var inner = scope.Child(ParamNames);
        foreach (var p in Params) p.Default?.Resolve(inner);
        Body.Resolve(inner);
    }
}

internal sealed class Arg(string? name, Expr value)
{
    public readonly string? Name = name;
    public readonly Expr Value = value;
}

internal sealed class ApplyExpr(Expr target, Arg[] args, bool tailStrict) : Expr
{
    public readonly Expr Target = target;
    public readonly Arg[] Args = args;
    public readonly bool TailStrict = tailStrict;
    private readonly int _positional = args.Count(a => a.Name == null);

    public override Value Eval(Env env) => CallTarget(Target.Eval(env), env);

    public Value CallTarget(Value target, Env env)
    {
        if (target is not JFunction fn)
        {
            throw JsonnetException.Runtime($"Only functions can be called, got {target.TypeName}", Span);
        }
        var ctx = env.Context;
        // Argument errors belong to the call site, not to the called function.
        var callEnv = fn is Closure c ? BindArgs(c, env) : null;
        var builtinArgs = callEnv == null ? BuiltinArgs((Builtin)fn, env) : null;
        ctx.Enter(Span);
        try
        {
            if (callEnv != null) return Interpreter.RunBody(((Closure)fn).Function.Body, callEnv);
            return ((Builtin)fn).Invoke(ctx, builtinArgs!, Span);
        }
        catch (JsonnetException e) when (e.AddFrameAndContinue(fn is Builtin ? "" : $"function <{fn.Name}>", Span))
        {
            throw;
        }
        finally
        {
            ctx.Depth--;
        }
    }

    public Thunk[] BuiltinArgs(Builtin fn, Env env)
    {
        var result = new Thunk[fn.Params.Length];
        if (_positional > fn.Params.Length)
        {
            throw JsonnetException.Runtime($"too many args, function has {fn.Params.Length} parameter(s)", Span);
        }
        for (int i = 0; i < Args.Length; i++)
        {
            var a = Args[i];
            int slot = i;
            if (a.Name != null)
            {
                slot = Array.IndexOf(fn.Params, a.Name);
                if (slot < 0) throw JsonnetException.Runtime($"function has no parameter {a.Name}", Span);
                if (result[slot] != null) throw JsonnetException.Runtime($"Argument {a.Name} already provided", Span);
            }
            result[slot] = TailStrict ? a.Value.Eval(env) : a.Value.Delay(env);
        }
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] != null) continue;
            result[i] = fn.Defaults[i] ?? throw JsonnetException.Runtime($"Missing argument: {fn.Params[i]}", Span);
        }
        return result;
    }

    /// <summary>Creates the environment of a closure call from the argument expressions.</summary>
    public Env BindArgs(Closure c, Env env)
    {
        var fe = c.Function;
        var ps = fe.Params;
        if (_positional > ps.Length)
        {
            throw JsonnetException.Runtime($"too many args, function has {ps.Length} parameter(s)", Span);
        }
        var slots = new Thunk[ps.Length];
        var callEnv = new Env(c.Env, slots);
        for (int i = 0; i < Args.Length; i++)
        {
            var a = Args[i];
            int slot = i;
            if (a.Name != null)
            {
                slot = Array.IndexOf(fe.ParamNames, a.Name);
                if (slot < 0) throw JsonnetException.Runtime($"function has no parameter {a.Name}", Span);
                if (slots[slot] != null) throw JsonnetException.Runtime($"Argument {a.Name} already provided", Span);
            }
            slots[slot] = TailStrict ? a.Value.Eval(env) : a.Value.Delay(env);
        }
        for (int i = 0; i < slots.Length; i++)
        {
            if (slots[i] != null) continue;
            var d = ps[i].Default ?? throw JsonnetException.Runtime($"Missing argument: {ps[i].Name}", Span);
            slots[i] = new LazyThunk(d, callEnv, ps[i].Name);
        }
        return callEnv;
    }

    public override void Resolve(Scope scope)
    {
        Parser.EnsureStack(Span);
        Target.Resolve(scope);
        var seen = new HashSet<string>();
        bool named = false;
        foreach (var a in Args)
        {
            if (a.Name != null)
            {
                named = true;
                if (!seen.Add(a.Name)) throw JsonnetException.Static($"duplicate named argument: {a.Name}", Span);
            }
            else if (named)
            {
                throw JsonnetException.Static("Positional argument after a named argument is not allowed", Span);
            }
            a.Value.Resolve(scope);
        }
    }
}

internal sealed class IfExpr(Expr cond, Expr then, Expr? otherwise) : Expr
{
    public readonly Expr Cond = cond;
    public readonly Expr Then = then;
    public readonly Expr? Else = otherwise;

    public override Value Eval(Env env) => Interpreter.Truth(Cond.Eval(env), Cond.Span) ? Then.Eval(env) : Else?.Eval(env) ?? JNull.Instance;

    public override void Resolve(Scope scope)
    {
        Cond.Resolve(scope);
        Then.Resolve(scope);
        Else?.Resolve(scope);
    }
}

internal sealed class AssertExpr(Expr cond, Expr? message, Expr rest) : Expr
{
    public readonly Expr Cond = cond;
    public readonly Expr? Message = message;
    public readonly Expr Rest = rest;

    public static void Check(Expr cond, Expr? message, Env env, SourceSpan span)
    {
        if (Interpreter.Truth(cond.Eval(env), cond.Span)) return;
        if (message == null) throw JsonnetException.Runtime("Assertion failed.", span);
        var m = message.Eval(env);
        throw JsonnetException.Runtime(m is JString s ? s.Value : Manifester.ToText(env.Context, m), span);
    }

    public override Value Eval(Env env)
    {
        Check(Cond, Message, env, Span);
        return Rest.Eval(env);
    }

    public override void Resolve(Scope scope)
    {
        Cond.Resolve(scope);
        Message?.Resolve(scope);
        Rest.Resolve(scope);
    }
}

/// <summary>An assert inside an object body; evaluates to null when it holds.</summary>
internal sealed class ObjectAssertExpr(Expr cond, Expr? message) : Expr
{
    public override Value Eval(Env env)
    {
        AssertExpr.Check(cond, message, env, Span);
        return JNull.Instance;
    }

    public override void Resolve(Scope scope)
    {
        cond.Resolve(scope);
        message?.Resolve(scope);
    }
}

internal sealed class ErrorExpr(Expr message) : Expr
{
    public override Value Eval(Env env)
    {
        var m = message.Eval(env);
        throw JsonnetException.Runtime(m is JString s ? s.Value : Manifester.ToText(env.Context, m), Span);
    }

    public override void Resolve(Scope scope) => message.Resolve(scope);
}

internal sealed class ArrayExpr(Expr[] items) : Expr
{
    public override Value Eval(Env env)
    {
        if (items.Length == 0) return JArray.Empty;
        var result = new Thunk[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            var item = items[i];
            result[i] = item is LiteralExpr or VarExpr ? item.Delay(env) : new LazyThunk(item, env, "array_element");
        }
        return new JArray(result);
    }

    public override void Resolve(Scope scope)
    {
        foreach (var e in items) e.Resolve(scope);
    }
}

/// <summary>A "for x in e" or "if e" part of a comprehension.</summary>
internal sealed class CompSpec(string? variable, Expr expr)
{
    public readonly string? Variable = variable;
    public readonly Expr Expr = expr;
    public bool IsFor => Variable != null;

    /// <summary>Calls <paramref name="body"/> with the environment of every combination the specs produce.</summary>
    public static void Run(CompSpec[] specs, int i, Env env, Action<Env> body)
    {
        if (i == specs.Length)
        {
            body(env);
            return;
        }
        var spec = specs[i];
        var v = spec.Expr.Eval(env);
        if (!spec.IsFor)
        {
            if (Interpreter.Truth(v, spec.Expr.Span)) Run(specs, i + 1, env, body);
            return;
        }
        if (v is not JArray arr) throw JsonnetException.Runtime($"In comprehension, can only iterate over array, got {v.TypeName}", spec.Expr.Span);
        foreach (var item in arr.Items)
        {
            env.Context.Tick();
            Run(specs, i + 1, new Env(env, new[] { item }), body);
        }
    }

    public static Scope ResolveAll(CompSpec[] specs, Scope scope)
    {
        foreach (var s in specs)
        {
            s.Expr.Resolve(scope);
            if (s.IsFor) scope = scope.Child(new[] { s.Variable! });
        }
        return scope;
    }
}

internal sealed class ArrayCompExpr(Expr body, CompSpec[] specs) : Expr
{
    public override Value Eval(Env env)
    {
        var result = new List<Thunk>();
        CompSpec.Run(specs, 0, env, e =>
        {
            if ((result.Count & 0xFFFF) == 0) env.Context.CheckSize(result.Count, Span);
            result.Add(body.Delay(e));
        });
        return new JArray(result.ToArray());
    }

    public override void Resolve(Scope scope) => body.Resolve(CompSpec.ResolveAll(specs, scope));
}

internal sealed class FieldSpec(Expr name, Visibility visibility, bool plus, Expr body)
{
    public readonly Expr Name = name;
    public readonly Visibility Visibility = visibility;
    public readonly bool Plus = plus;
    public readonly Expr Body = body;
}

internal sealed class ObjectExpr(FieldSpec[] fields, LocalBind[] locals, Expr[] asserts) : Expr
{
    private readonly string[] _localNames = locals.Select(l => l.Name).ToArray();
    // With only literal field names the field table never changes, so all evaluations share one.
    private Dictionary<string, FieldDef>? _constantFields;

    public override Value Eval(Env env)
    {
        if (_constantFields != null) return new JObject(new ObjectLayer(_constantFields, locals, asserts, env));
        var dict = new Dictionary<string, FieldDef>(fields.Length);
        {
            foreach (var f in fields)
            {
                var nameValue = f.Name.Eval(env);
                if (nameValue is JNull) continue;
                if (nameValue is not JString name) throw JsonnetException.Runtime($"Field name must be string, got {nameValue.TypeName}", f.Name.Span);
                if (!dict.TryAdd(name.Value, new FieldDef(name.Value, f.Visibility, f.Plus, f.Body, null, null)))
                {
                    throw JsonnetException.Runtime($"Duplicate field name: \"{name.Value}\"", f.Name.Span);
                }
            }
        }
        return new JObject(new ObjectLayer(dict, locals, asserts, env));
    }

    public override void Resolve(Scope scope)
    {
        LocalExpr.CheckDuplicates(locals);
        var inner = scope.ObjectChild(_localNames);
        var constantNames = new HashSet<string>();
        bool allConstant = true;
        foreach (var f in fields)
        {
            f.Name.Resolve(scope);
            if (f.Name is LiteralExpr { Value: JString s })
            {
                if (!constantNames.Add(s.Value)) throw JsonnetException.Static($"duplicate field: {s.Value}", f.Name.Span);
            }
            else
            {
                allConstant = false;
            }
            f.Body.Resolve(inner);
        }
        foreach (var l in locals) l.Body.Resolve(inner);
        foreach (var a in asserts) a.Resolve(inner);
        if (allConstant)
        {
            _constantFields = fields
                .Select(f => new FieldDef(((JString)((LiteralExpr)f.Name).Value).Value, f.Visibility, f.Plus, f.Body, null, null))
                .ToDictionary(f => f.Name);
        }
    }
}

internal sealed class ObjectCompExpr(LocalBind[] locals, Expr name, Expr body, bool plus, CompSpec[] specs) : Expr
{
    private readonly string[] _localNames = locals.Select(l => l.Name).ToArray();

    public override Value Eval(Env env)
    {
        var dict = new Dictionary<string, FieldDef>();
        CompSpec.Run(specs, 0, env, e =>
        {
            var nameValue = name.Eval(e);
            if (nameValue is JNull) return;
            if (nameValue is not JString n) throw JsonnetException.Runtime($"Field name must be string, got {nameValue.TypeName}", name.Span);
            if (!dict.TryAdd(n.Value, new FieldDef(n.Value, Visibility.Inherit, plus, body, null, e)))
            {
                throw JsonnetException.Runtime($"Duplicate field name: \"{n.Value}\"", name.Span);
            }
        });
        return new JObject(new ObjectLayer(dict, locals, Array.Empty<Expr>(), env));
    }

    public override void Resolve(Scope scope)
    {
        LocalExpr.CheckDuplicates(locals);
        var loopScope = CompSpec.ResolveAll(specs, scope);
        name.Resolve(loopScope);
        var inner = loopScope.ObjectChild(_localNames);
        foreach (var l in locals) l.Body.Resolve(inner);
        body.Resolve(inner);
    }
}

internal sealed class UnaryExpr(string op, Expr operand) : Expr
{
    public override Value Eval(Env env)
    {
        var v = operand.Eval(env);
        switch (op)
        {
            case "-" when v is JNumber n: return JNumber.Of(-n.Value);
            case "+" when v is JNumber n: return n;
            case "!" when v is JBool b: return JBool.Of(!b.Value);
            case "~" when v is JNumber n: return JNumber.Of(~Operators.ToInt64(n.Value, Span));
        }
        throw JsonnetException.Runtime($"Unary operator {op} does not operate on type {v.TypeName}", Span);
    }

    public override void Resolve(Scope scope) => operand.Resolve(scope);
}

internal sealed class BinaryExpr(string op, Expr left, Expr right) : Expr
{
    public readonly string Op = op;
    public readonly Expr Left = left;
    public readonly Expr Right = right;

    public override Value Eval(Env env)
    {
        EvalContext.EnsureStack(Span);
        switch (Op)
        {
            case "&&":
            {
                var l = Left.Eval(env);
                if (l is not JBool lb) throw JsonnetException.Runtime($"Binary operator && requires boolean, got {l.TypeName}", Span);
                if (!lb.Value) return JBool.False;
                var r = Right.Eval(env);
                return r is JBool ? r : throw JsonnetException.Runtime($"Binary operator && requires boolean, got {r.TypeName}", Span);
            }
            case "||":
            {
                var l = Left.Eval(env);
                if (l is not JBool lb) throw JsonnetException.Runtime($"Binary operator || requires boolean, got {l.TypeName}", Span);
                if (lb.Value) return JBool.True;
                var r = Right.Eval(env);
                return r is JBool ? r : throw JsonnetException.Runtime($"Binary operator || requires boolean, got {r.TypeName}", Span);
            }
        }
        return Operators.Binary(env.Context, Op, Left.Eval(env), Right.Eval(env), Span);
    }

    public override void Resolve(Scope scope)
    {
        Parser.EnsureStack(Span);
        Left.Resolve(scope);
        Right.Resolve(scope);
    }
}

internal enum ImportKind { Code, String, Binary }

internal sealed class ImportExpr(ImportKind kind, string path) : Expr
{
    public override Value Eval(Env env) => env.Context.Import(kind, path, Span);
    public override void Resolve(Scope scope) { }
}
