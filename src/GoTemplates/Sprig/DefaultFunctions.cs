using System.Text.Json;
using static GoTemplates.ArgType;

namespace GoTemplates.Sprig;

/// <summary>sprig's defaults, emptiness tests, JSON helpers and reflection helpers.</summary>
internal static class DefaultFunctions
{
    private const GoTemplates.ArgType Str = GoTemplates.ArgType.String;

    public static void Register(Dictionary<string, TemplateFunction> m)
    {
        m["default"] = new([Any], a => a.Length < 2 || Empty(a[1]) ? a[0] : a[1], Any);
        m["empty"] = TemplateFunction.Of(Any, v => Empty(v));
        m["coalesce"] = TemplateFunction.Variadics(Any, a => a.FirstOrDefault(x => !Empty(x)));
        m["all"] = TemplateFunction.Variadics(Any, a => a.All(x => !Empty(x)));
        m["any"] = TemplateFunction.Variadics(Any, a => a.Any(x => !Empty(x)));
        m["compact"] = m["mustCompact"] = TemplateFunction.Of(Any, l => Compact(l));
        m["ternary"] = TemplateFunction.Of(Any, Any, Bool, (t, f, c) => (bool)c! ? t : f);
        m["fromJson"] = TemplateFunction.Of(Str, s => TryFromJson((string)s!, out var v) ? v : null);
        m["mustFromJson"] = TemplateFunction.Of(Str, s => TryFromJson((string)s!, out var v) ? v : throw new TemplateFunctionException("invalid character in JSON input"));
        m["toJson"] = TemplateFunction.Of(Any, v => Safe(() => GoJson.Marshal(v)));
        m["toPrettyJson"] = TemplateFunction.Of(Any, v => Safe(() => GoJson.Marshal(v, indent: "  ")));
        m["toRawJson"] = TemplateFunction.Of(Any, v => Safe(() => GoJson.Marshal(v, escapeHtml: false)));
        m["mustToJson"] = TemplateFunction.Of(Any, v => GoJson.Marshal(v));
        m["mustToPrettyJson"] = TemplateFunction.Of(Any, v => GoJson.Marshal(v, indent: "  "));
        m["mustToRawJson"] = TemplateFunction.Of(Any, v => GoJson.Marshal(v, escapeHtml: false));
        m["deepCopy"] = m["mustDeepCopy"] = TemplateFunction.Of(Any, v => v == null ? throw new TemplateFunctionException("copy: nil value") : Conv.DeepCopy(v));
        m["typeOf"] = TemplateFunction.Of(Any, v => GoValues.TypeName(v));
        m["typeIs"] = TemplateFunction.Of(Str, Any, (t, v) => (string)t! == GoValues.TypeName(v));
        m["typeIsLike"] = TemplateFunction.Of(Str, Any, (t, v) => (string)t! == GoValues.TypeName(v) || "*" + (string)t! == GoValues.TypeName(v));
        m["kindOf"] = TemplateFunction.Of(Any, v => Conv.KindName(v));
        m["kindIs"] = TemplateFunction.Of(Str, Any, (k, v) => (string)k! == Conv.KindName(v));
        m["deepEqual"] = TemplateFunction.Of(Any, Any, (a, b) => Conv.DeepEqual(a, b));
    }

    /// <summary>sprig's empty: nil, false, zero, and empty strings, lists and maps.</summary>
    public static bool Empty(object? v) => !GoValues.IsTrue(v);

    private static string Safe(Func<string> f)
    {
        try
        {
            return f();
        }
        catch (TemplateFunctionException)
        {
            return "";
        }
    }

    private static List<object?> Compact(object? list)
    {
        var items = Conv.AsList(list) ?? throw new TemplateFunctionException($"Cannot compact on type {Conv.KindName(list)}");
        return items.Cast<object?>().Where(x => !Empty(x)).ToList();
    }

    private static bool TryFromJson(string s, out object? value)
    {
        try
        {
            using var doc = JsonDocument.Parse(s);
            value = GoValues.FromJson(doc.RootElement);
            return true;
        }
        catch (JsonException)
        {
            value = null;
            return false;
        }
    }
}
