namespace Jsonnet;

internal enum Visibility { Inherit, Hidden, Visible }

/// <summary>One field definition of an object layer.</summary>
internal sealed class FieldDef(string name, Visibility visibility, bool plus, Expr? body, Thunk? value, Env? ownEnv)
{
    public readonly string Name = name;
    public readonly Visibility Visibility = visibility;
    public readonly bool Plus = plus;
    public readonly Expr? Body = body;
    public readonly Thunk? Value = value;

    /// <summary>Set for comprehension fields, which each see their own loop variables.</summary>
    public readonly Env? OwnEnv = ownEnv;

    public static FieldDef Constant(string name, Thunk value, Visibility visibility = Visibility.Inherit) =>
        new(name, visibility, false, null, value, null);
}

/// <summary>The fields, locals and asserts one object literal contributes to an object.</summary>
internal sealed class ObjectLayer(Dictionary<string, FieldDef> fields, LocalBind[] locals, Expr[] asserts, Env? env, HashSet<string>? excluded = null)
{
    /// <summary>Fields removed by std.objectRemoveKey: invisible from outside, still reachable through super.</summary>
    public readonly HashSet<string>? Excluded = excluded;

    private string[]? _sortedVisible;

    /// <summary>Visible field names in order, for an object made of this layer alone.</summary>
    public string[] SortedVisibleNames()
    {
        if (_sortedVisible != null) return _sortedVisible;
        var names = new List<string>(Fields.Count);
        foreach (var f in Fields.Values)
        {
            if (f.Visibility != Visibility.Hidden) names.Add(f.Name);
        }
        names.Sort(StringComparer.Ordinal);
        return _sortedVisible = names.ToArray();
    }

    public bool Defines(string name, bool forSuper) => Fields.ContainsKey(name) && (forSuper || Excluded == null || !Excluded.Contains(name));

    public readonly Dictionary<string, FieldDef> Fields = fields;
    public readonly LocalBind[] Locals = locals;
    public readonly Expr[] Asserts = asserts;
    public readonly Env? Env = env;

    public static ObjectLayer FromValues(Dictionary<string, FieldDef> fields) => new(fields, Array.Empty<LocalBind>(), Array.Empty<Expr>(), null);
}

/// <summary>
/// An object value: a stack of layers where later layers override earlier ones.
/// self is the whole stack; super inside layer k means layers below k.
/// </summary>
internal sealed class JObject : Value
{
    public static readonly JObject Empty = new(Array.Empty<ObjectLayer>());

    public readonly ObjectLayer[] Layers;
    private Dictionary<string, Value>? _cache;
    private Env?[]? _layerEnvs;
    private Dictionary<(int, string), Value>? _superCache;
    private int _assertState; // 0 = not checked, 1 = running, 2 = done
    private string[]? _visibleSorted;
    private Dictionary<string, bool>? _visibility;

    public JObject(ObjectLayer[] layers) => Layers = layers;

    public JObject(ObjectLayer layer) => Layers = new[] { layer };

    public override string TypeName => "object";

    public static JObject Extend(JObject left, JObject right)
    {
        if (left.Layers.Length == 0) return right;
        if (right.Layers.Length == 0) return left;
        var layers = new ObjectLayer[left.Layers.Length + right.Layers.Length];
        left.Layers.CopyTo(layers, 0);
        right.Layers.CopyTo(layers, left.Layers.Length);
        return new JObject(layers);
    }

    /// <summary>The same layers without one field; super and self keep working in the rest.</summary>
    public JObject WithoutField(string name)
    {
        var layers = new ObjectLayer[Layers.Length];
        for (int k = 0; k < layers.Length; k++)
        {
            var layer = Layers[k];
            if (!layer.Fields.ContainsKey(name))
            {
                layers[k] = layer;
                continue;
            }
            var excluded = layer.Excluded == null ? new HashSet<string>() : new HashSet<string>(layer.Excluded);
            excluded.Add(name);
            layers[k] = new ObjectLayer(layer.Fields, layer.Locals, layer.Asserts, layer.Env, excluded);
        }
        return new JObject(layers);
    }

    public bool HasField(string name) => FindLayer(name, Layers.Length - 1) >= 0;

    public int FindLayer(string name, int from, bool forSuper = false)
    {
        for (int k = from; k >= 0; k--)
        {
            if (Layers[k].Defines(name, forSuper)) return k;
        }
        return -1;
    }

    public Value? TryGetField(EvalContext ctx, string name)
    {
        if (_assertState != 2) CheckAsserts(ctx);
        if (_cache != null && _cache.TryGetValue(name, out var cached)) return cached;
        int k = FindLayer(name, Layers.Length - 1);
        if (k < 0) return null;
        var v = EvalField(ctx, k, name);
        (_cache ??= new Dictionary<string, Value>()).TryAdd(name, v);
        return v;
    }

    public Value GetField(EvalContext ctx, string name, SourceSpan? site)
    {
        return TryGetField(ctx, name) ?? throw JsonnetException.Runtime($"field does not exist: {name}", site);
    }

    /// <summary>Looks a field up starting below layer <paramref name="layer"/> (for super).</summary>
    public Value? GetSuperField(EvalContext ctx, string name, int layer)
    {
        int k = FindLayer(name, layer - 1, true);
        if (k < 0) return null;
        // A field's value depends only on self and its layer, so super lookups are cached as well.
        if (k == Layers.Length - 1 || FindLayer(name, Layers.Length - 1) == k) return TryGetField(ctx, name);
        _superCache ??= new Dictionary<(int, string), Value>();
        if (_superCache.TryGetValue((k, name), out var cached)) return cached;
        var v = EvalField(ctx, k, name);
        _superCache[(k, name)] = v;
        return v;
    }

    private Value EvalField(EvalContext ctx, int k, string name)
    {
        var field = Layers[k].Fields[name];
        Value v;
        if (field.Value != null)
        {
            v = field.Value.Force();
        }
        else
        {
            var body = field.Body!;
            ctx.Enter(body.Span);
            try
            {
                v = body.Eval(LayerEnv(k, field));
            }
            catch (JsonnetException e) when (e.AddFrameAndContinue("object <anonymous>", null))
            {
                throw;
            }
            finally
            {
                ctx.Depth--;
            }
        }
        if (field.Plus)
        {
            int below = FindLayer(name, k - 1, true);
            if (below >= 0) v = Operators.Add(ctx, EvalField(ctx, below, name), v, field.Body?.Span);
        }
        return v;
    }

    /// <summary>The environment that field bodies and asserts of layer k see for this self.</summary>
    private Env LayerEnv(int k, FieldDef? field)
    {
        var layer = Layers[k];
        if (field?.OwnEnv != null) return MakeLayerEnv(layer, field.OwnEnv, k);
        _layerEnvs ??= new Env?[Layers.Length];
        return _layerEnvs[k] ??= MakeLayerEnv(layer, layer.Env!, k);
    }

    private Env MakeLayerEnv(ObjectLayer layer, Env captured, int k)
    {
        if (layer.Locals.Length == 0) return new Env(captured, Array.Empty<Thunk>(), this, k);
        var slots = new Thunk[layer.Locals.Length];
        var env = new Env(captured, slots, this, k);
        for (int i = 0; i < slots.Length; i++) slots[i] = new LazyThunk(layer.Locals[i].Body, env, layer.Locals[i].Name);
        return env;
    }

    public void CheckAsserts(EvalContext ctx)
    {
        if (_assertState != 0) return;
        _assertState = 1;
        try
        {
            for (int k = 0; k < Layers.Length; k++)
            {
                var layer = Layers[k];
                if (layer.Asserts.Length == 0) continue;
                var env = LayerEnv(k, null);
                foreach (var a in layer.Asserts) a.Eval(env);
            }
            _assertState = 2;
        }
        finally
        {
            if (_assertState == 1) _assertState = 0;
        }
    }

    private Dictionary<string, bool> VisibilityMap()
    {
        if (_visibility != null) return _visibility;
        var map = new Dictionary<string, bool>();
        var explicitHidden = new Dictionary<string, Visibility>();
        foreach (var layer in Layers)
        {
            foreach (var f in layer.Fields.Values)
            {
                if (layer.Excluded != null && layer.Excluded.Contains(f.Name)) continue;
                if (f.Visibility == Visibility.Inherit)
                {
                    if (!explicitHidden.ContainsKey(f.Name)) explicitHidden[f.Name] = Visibility.Inherit;
                }
                else
                {
                    explicitHidden[f.Name] = f.Visibility;
                }
            }
        }
        foreach (var (name, vis) in explicitHidden) map[name] = vis != Visibility.Hidden;
        return _visibility = map;
    }

    /// <summary>Visible field names in sorted (code point) order.</summary>
    public string[] VisibleFields()
    {
        if (_visibleSorted != null) return _visibleSorted;
        if (Layers.Length == 1 && Layers[0].Excluded == null) return _visibleSorted = Layers[0].SortedVisibleNames();
        var names = VisibilityMap().Where(p => p.Value).Select(p => p.Key).ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return _visibleSorted = names;
    }

    public string[] AllFields()
    {
        var names = VisibilityMap().Keys.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    public bool IsVisible(string name)
    {
        if (Layers.Length == 1 && Layers[0].Excluded == null)
        {
            return Layers[0].Fields.TryGetValue(name, out var f) && f.Visibility != Visibility.Hidden;
        }
        return VisibilityMap().TryGetValue(name, out var v) && v;
    }

    public int VisibleCount => VisibleFields().Length;
}
