using static GoTemplates.ArgType;

namespace GoTemplates.Sprig;

/// <summary>sprig's dictionary functions over map[string]interface{} values.</summary>
internal static class DictFunctions
{
    private const GoTemplates.ArgType Str = GoTemplates.ArgType.String;

    public static void Register(Dictionary<string, TemplateFunction> m)
    {
        m["dict"] = TemplateFunction.Variadics(Any, Dict);
        m["get"] = TemplateFunction.Of(Map, Str, (d, k) => D(d).TryGetValue((string)k!, out var v) ? v : "");
        m["set"] = TemplateFunction.Of(Map, Str, Any, (d, k, v) => { D(d)[(string)k!] = v; return d; });
        m["unset"] = TemplateFunction.Of(Map, Str, (d, k) => { D(d).Remove((string)k!); return d; });
        m["hasKey"] = TemplateFunction.Of(Map, Str, (d, k) => D(d).ContainsKey((string)k!));
        m["pluck"] = new([Str], a => a.Skip(1).Select(D).Where(d => d.ContainsKey((string)a[0]!)).Select(d => d[(string)a[0]!]).ToList(), Map);
        m["keys"] = TemplateFunction.Variadics(Map, a => a.SelectMany(d => D(d).Keys).Order(StringComparer.Ordinal).Cast<object?>().ToList());
        m["values"] = TemplateFunction.Of(Map, d => D(d).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value).ToList());
        m["pick"] = new([Map], a => Pick(D(a[0]), a.Skip(1).Cast<string>(), keep: true), Str);
        m["omit"] = new([Map], a => Pick(D(a[0]), a.Skip(1).Cast<string>(), keep: false), Str);
        m["merge"] = m["mustMerge"] = new([Map], a => Merge(D(a[0]), a.Skip(1).Select(D), overwrite: false), Map);
        m["mergeOverwrite"] = m["mustMergeOverwrite"] = new([Map], a => Merge(D(a[0]), a.Skip(1).Select(D), overwrite: true), Map);
        m["dig"] = TemplateFunction.Variadics(Any, Dig);
    }

    private static IDictionary<string, object?> D(object? v) => v as IDictionary<string, object?> ?? new Dictionary<string, object?>();

    private static object Dict(object?[] v)
    {
        var d = new Dictionary<string, object?>();
        for (int i = 0; i < v.Length; i += 2)
        {
            string key = Conv.Str(v[i]);
            d[key] = i + 1 < v.Length ? v[i + 1] : "";
        }
        return d;
    }

    private static Dictionary<string, object?> Pick(IDictionary<string, object?> d, IEnumerable<string> keys, bool keep)
    {
        var set = keys.ToHashSet();
        return d.Where(kv => set.Contains(kv.Key) == keep).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private static object Merge(IDictionary<string, object?> dst, IEnumerable<IDictionary<string, object?>> sources, bool overwrite)
    {
        foreach (var src in sources) MergeInto(dst, src, overwrite);
        return dst;
    }

    private static void MergeInto(IDictionary<string, object?> dst, IDictionary<string, object?> src, bool overwrite)
    {
        foreach (var (key, value) in src)
        {
            if (dst.TryGetValue(key, out var existing))
            {
                if (existing is IDictionary<string, object?> dd && value is IDictionary<string, object?> sd)
                {
                    MergeInto(dd, sd, overwrite);
                }
                else if (DefaultFunctions.Empty(existing) || (overwrite && !DefaultFunctions.Empty(value)))
                {
                    dst[key] = value;
                }
            }
            else
            {
                dst[key] = value;
            }
        }
    }

    private static object? Dig(object?[] ps)
    {
        if (ps.Length < 3) throw new TemplateFunctionException("dig needs at least three arguments");
        if (ps[^1] is not IDictionary<string, object?> dict) throw new TemplateFunctionException("dig: last argument must be a dict");
        object? def = ps[^2];
        for (int i = 0; i < ps.Length - 2; i++)
        {
            if (ps[i] is not string key) throw new TemplateFunctionException("dig: keys must be strings");
            if (!dict.TryGetValue(key, out var step)) return def;
            if (i == ps.Length - 3) return step;
            dict = step as IDictionary<string, object?> ?? throw new TemplateFunctionException($"dig: {key} is not a dict");
        }
        return def;
    }
}
