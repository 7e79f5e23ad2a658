using System.Collections;
using static GoTemplates.ArgType;

namespace GoTemplates.Sprig;

/// <summary>sprig's list functions. The non-"must" variants fail the same way as the "must" ones, since sprig panics there.</summary>
internal static class ListFunctions
{
    private const GoTemplates.ArgType Str = GoTemplates.ArgType.String;

    public static void Register(Dictionary<string, TemplateFunction> m)
    {
        m["list"] = m["tuple"] = TemplateFunction.Variadics(Any, a => a.ToList());
        m["append"] = m["push"] = m["mustAppend"] = m["mustPush"] = TemplateFunction.Of(Any, Any, (l, v) => Items(l, "push on").Append(v).ToList());
        m["prepend"] = m["mustPrepend"] = TemplateFunction.Of(Any, Any, (l, v) => Items(l, "prepend on").Prepend(v).ToList());
        m["first"] = m["mustFirst"] = TemplateFunction.Of(Any, l => Items(l, "find first on").FirstOrDefault());
        m["last"] = m["mustLast"] = TemplateFunction.Of(Any, l => Items(l, "find last on").LastOrDefault());
        m["rest"] = m["mustRest"] = TemplateFunction.Of(Any, l => Items(l, "find rest on") is { Count: > 0 } i ? i.Skip(1).ToList() : null);
        m["initial"] = m["mustInitial"] = TemplateFunction.Of(Any, l => Items(l, "find initial on") is { Count: > 0 } i ? i.Take(i.Count - 1).ToList() : null);
        m["reverse"] = m["mustReverse"] = TemplateFunction.Of(Any, l => Enumerable.Reverse(Items(l, "find reverse on")).ToList());
        m["uniq"] = m["mustUniq"] = TemplateFunction.Of(Any, l => Uniq(Items(l, "find uniq on")));
        m["without"] = m["mustWithout"] = new([Any], a => Items(a[0], "find without on").Where(x => !a.Skip(1).Any(o => Conv.DeepEqual(o, x))).ToList(), Any);
        m["has"] = m["mustHas"] = TemplateFunction.Of(Any, Any, (needle, hay) => hay != null && Items(hay, "find has on").Any(x => Conv.DeepEqual(needle, x)));
        m["slice"] = m["mustSlice"] = new([Any], a => Slice(a[0], a[1..]), Any);
        m["concat"] = TemplateFunction.Variadics(Any, a => a.SelectMany(l => Conv.AsList(l)?.Cast<object?>() ?? throw new TemplateFunctionException($"Cannot concat type {Conv.KindName(l)} as list")).ToList());
        m["chunk"] = m["mustChunk"] = TemplateFunction.Of(Int, Any, (size, l) => Chunk((int)size!, Items(l, "chunk")));
    }

    private static List<object?> Items(object? list, string what) =>
        Conv.AsList(list)?.Cast<object?>().ToList() ?? throw new TemplateFunctionException($"Cannot {what} type {Conv.KindName(list)}");

    private static List<object?> Uniq(List<object?> items)
    {
        var result = new List<object?>();
        foreach (var x in items)
        {
            if (!result.Any(r => Conv.DeepEqual(r, x))) result.Add(x);
        }
        return result;
    }

    private static object? Slice(object? list, object?[] indices)
    {
        if (Conv.AsList(list) is not IList l) throw new TemplateFunctionException($"list should be type of slice or array but {Conv.KindName(list)}");
        if (l.Count == 0) return null;
        int start = indices.Length > 0 ? Conv.ToInt(indices[0]) : 0;
        int end = indices.Length > 1 ? Conv.ToInt(indices[1]) : l.Count;
        if (start < 0 || end > l.Count || start > end) throw new TemplateFunctionException($"reflect: slice index out of range");
        var result = new List<object?>(end - start);
        for (int i = start; i < end; i++) result.Add(l[i]);
        return result;
    }

    private static List<object?> Chunk(int size, List<object?> items)
    {
        if (size <= 0) throw new TemplateFunctionException("chunk size must be positive");
        var result = new List<object?>();
        for (int i = 0; i < items.Count; i += size) result.Add(items.Skip(i).Take(size).ToList());
        return result;
    }
}
