namespace Jsonnet;

/// <summary>The std object: builtin functions registered by name, all hidden fields.</summary>
internal static partial class StdLib
{
    private static readonly Dictionary<string, FieldDef> Fields = new();
    private static readonly ObjectLayer StdLayer;

    public static readonly Scope RootScope = new(null, new[] { "std" }, false);

    static StdLib()
    {
        RegisterCore();
        RegisterMath();
        RegisterStrings();
        RegisterArrays();
        RegisterObjects();
        RegisterManifest();
        RegisterEncoding();
        Fields["pi"] = FieldDef.Constant("pi", JNumber.Of(Math.PI), Visibility.Hidden);
        StdLayer = ObjectLayer.FromValues(Fields);
    }

    /// <summary>A new std object for one file of one evaluation (it caches field values, so it is not shared).</summary>
    public static JObject ForFile(string file)
    {
        var layers = FileLayers.GetOrAdd(file, f => new[]
        {
            StdLayer,
            ObjectLayer.FromValues(new Dictionary<string, FieldDef>
            {
                ["thisFile"] = FieldDef.Constant("thisFile", new JString(f), Visibility.Hidden),
            }),
        });
        return new JObject(layers);
    }

    // Layers are immutable, so the ones for a file name can be shared by all evaluations.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ObjectLayer[]> FileLayers = new();

    private static void Add(string name, string[] parameters, Builtin.Impl impl, params Thunk?[] defaults)
    {
        var d = new Thunk?[parameters.Length];
        // Defaults are given for the last parameters.
        for (int i = 0; i < defaults.Length; i++) d[parameters.Length - defaults.Length + i] = defaults[i];
        Fields[name] = FieldDef.Constant(name, new Builtin(name, parameters, impl, d), Visibility.Hidden);
    }

    public static Builtin? TryGetBuiltin(string name) => Fields.TryGetValue(name, out var f) ? f.Value as Builtin : null;

    // Argument helpers: force and type-check.
    internal static JsonnetException TypeError(string fn, string param, string expected, Value got, SourceSpan? site) =>
        JsonnetException.Runtime($"std.{fn} {param} should be {expected}, got {got.TypeName}", site);

    internal static double Num(Thunk t, string fn, string param, SourceSpan? site) =>
        t.Force() is JNumber n ? n.Value : throw TypeError(fn, param, "number", t.Force(), site);

    internal static int Int(Thunk t, string fn, string param, SourceSpan? site)
    {
        double d = Num(t, fn, param, site);
        if (d != Math.Floor(d)) throw JsonnetException.Runtime($"std.{fn} {param} should be an integer, got {Manifester.FormatNumber(d)}", site);
        if (d > int.MaxValue) return int.MaxValue;
        if (d < int.MinValue) return int.MinValue;
        return (int)d;
    }

    internal static string Str(Thunk t, string fn, string param, SourceSpan? site) =>
        t.Force() is JString s ? s.Value : throw TypeError(fn, param, "string", t.Force(), site);

    internal static JArray Arr(Thunk t, string fn, string param, SourceSpan? site) =>
        t.Force() is JArray a ? a : throw TypeError(fn, param, "array", t.Force(), site);

    internal static JObject Obj(Thunk t, string fn, string param, SourceSpan? site) =>
        t.Force() is JObject o ? o : throw TypeError(fn, param, "object", t.Force(), site);

    internal static JFunction Func(Thunk t, string fn, string param, SourceSpan? site) =>
        t.Force() is JFunction f ? f : throw TypeError(fn, param, "function", t.Force(), site);

    internal static bool Bool(Thunk t, string fn, string param, SourceSpan? site) =>
        t.Force() is JBool b ? b.Value : throw TypeError(fn, param, "boolean", t.Force(), site);

    internal static Value Call(EvalContext ctx, JFunction f, SourceSpan? site, params Thunk[] args) => f.Call(ctx, args, site);

    internal static JArray MakeArray(List<Thunk> items) => items.Count == 0 ? JArray.Empty : new JArray(items.ToArray());

    internal static JArray StringArray(IEnumerable<string> items) => new(items.Select(s => (Thunk)new JString(s)).ToArray());

    internal static JString S(string s) => new(s);

    internal static JNumber N(double d) => JNumber.Of(d);

    private static readonly Builtin Identity = new("id", new[] { "x" }, (ctx, a, site) => a[0].Force());

    private static void RegisterCore()
    {
        Add("id", new[] { "x" }, (ctx, a, site) => a[0].Force());
        Add("type", new[] { "x" }, (ctx, a, site) => S(a[0].Force().TypeName));
        Add("isArray", new[] { "v" }, (ctx, a, site) => JBool.Of(a[0].Force() is JArray));
        Add("isBoolean", new[] { "v" }, (ctx, a, site) => JBool.Of(a[0].Force() is JBool));
        Add("isFunction", new[] { "v" }, (ctx, a, site) => JBool.Of(a[0].Force() is JFunction));
        Add("isNumber", new[] { "v" }, (ctx, a, site) => JBool.Of(a[0].Force() is JNumber));
        Add("isObject", new[] { "v" }, (ctx, a, site) => JBool.Of(a[0].Force() is JObject));
        Add("isString", new[] { "v" }, (ctx, a, site) => JBool.Of(a[0].Force() is JString));
        Add("isNull", new[] { "v" }, (ctx, a, site) => JBool.Of(a[0].Force() is JNull));
        Add("length", new[] { "x" }, (ctx, a, site) => a[0].Force() switch
        {
            JArray arr => N(arr.Length),
            JString s => N(Strings.CodePointLength(s.Value)),
            JObject o => N(o.VisibleCount),
            JFunction f => N(f.ParamCount),
            var v => throw JsonnetException.Runtime($"length operates on strings, objects, and arrays, got {v.TypeName}", site),
        });
        Add("extVar", new[] { "x" }, (ctx, a, site) =>
        {
            var name = Str(a[0], "extVar", "x", site);
            return ctx.ExtVars.TryGetValue(name, out var t) ? t.Force() : throw JsonnetException.Runtime($"Undefined external variable: {name}", site);
        });
        Add("native", new[] { "name" }, (ctx, a, site) => JNull.Instance);
        Add("trace", new[] { "str", "rest" }, (ctx, a, site) =>
        {
            if (a[0].Force() is not JString msg) throw JsonnetException.Runtime($"Builtin function trace expected string as first parameter but got {a[0].Force().TypeName}", site);
            ctx.Engine.Options.TraceWriter.WriteLine($"TRACE: {site?.File}:{site?.Line} {msg.Value}");
            return a[1].Force();
        });
        Add("assertEqual", new[] { "a", "b" }, (ctx, a, site) =>
        {
            var x = a[0].Force();
            var y = a[1].Force();
            if (Operators.Equal(ctx, x, y, site)) return JBool.True;
            throw JsonnetException.Runtime($"Assertion failed. {Manifester.ToText(ctx, Quote(x))} != {Manifester.ToText(ctx, Quote(y))}", site);
        });
        Add("equals", new[] { "a", "b" }, (ctx, a, site) => JBool.Of(Operators.Equal(ctx, a[0].Force(), a[1].Force(), site)));
        Add("primitiveEquals", new[] { "a", "b" }, (ctx, a, site) =>
        {
            var x = a[0].Force();
            var y = a[1].Force();
            if (x.TypeName != y.TypeName) return JBool.False;
            if (x is JArray || x is JObject || x is JFunction)
            {
                throw JsonnetException.Runtime($"primitiveEquals operates on primitive types, got {x.TypeName}", site);
            }
            return JBool.Of(Operators.Equal(ctx, x, y, site));
        });
        Add("xor", new[] { "x", "y" }, (ctx, a, site) => JBool.Of(Bool(a[0], "xor", "x", site) != Bool(a[1], "xor", "y", site)));
        Add("xnor", new[] { "x", "y" }, (ctx, a, site) => JBool.Of(Bool(a[0], "xnor", "x", site) == Bool(a[1], "xnor", "y", site)));
        Add("__compare", new[] { "v1", "v2" }, (ctx, a, site) => N(Math.Sign(Operators.Compare(ctx, a[0].Force(), a[1].Force(), site))));
        Add("__compare_array", new[] { "arr1", "arr2" }, (ctx, a, site) =>
            N(Math.Sign(Operators.Compare(ctx, Arr(a[0], "__compare_array", "arr1", site), Arr(a[1], "__compare_array", "arr2", site), site))));
        Add("__array_less", new[] { "arr1", "arr2" }, (ctx, a, site) => JBool.Of(Operators.Compare(ctx, a[0].Force(), a[1].Force(), site) < 0));
        Add("__array_greater", new[] { "arr1", "arr2" }, (ctx, a, site) => JBool.Of(Operators.Compare(ctx, a[0].Force(), a[1].Force(), site) > 0));
        Add("__array_less_or_equal", new[] { "arr1", "arr2" }, (ctx, a, site) => JBool.Of(Operators.Compare(ctx, a[0].Force(), a[1].Force(), site) <= 0));
        Add("__array_greater_or_equal", new[] { "arr1", "arr2" }, (ctx, a, site) => JBool.Of(Operators.Compare(ctx, a[0].Force(), a[1].Force(), site) >= 0));
        Add("resolvePath", new[] { "f", "r" }, (ctx, a, site) =>
        {
            var f = Str(a[0], "resolvePath", "f", site);
            var r = TextOf(ctx, a[1]);
            int slash = f.LastIndexOf('/');
            return S(slash < 0 ? r : f[..(slash + 1)] + r);
        });
    }

    /// <summary>Default of optional builtin parameters that have no value when left out.</summary>
    internal sealed class Absent : Value
    {
        public static readonly Absent Instance = new();
        public override string TypeName => "absent";
    }

    /// <summary>Strings appear quoted in assertEqual messages.</summary>
    private static Value Quote(Value v) => v is JString s ? new JString(Manifester.EscapeJson(s.Value)) : v;
}
