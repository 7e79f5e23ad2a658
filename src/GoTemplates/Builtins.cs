using System.Collections;
using System.Reflection;
using System.Text;

namespace GoTemplates;

/// <summary>The functions every Go template has: comparisons, logic, indexing, printing and escaping.</summary>
public static class Builtins
{
    // and/or are evaluated lazily by the executor; their bodies only run when called some other way.
    public static readonly TemplateFunction And = new([ArgType.Value], a => a.FirstOrDefault(v => !GoValues.IsTrue(v)) ?? a[^1], ArgType.Value);
    public static readonly TemplateFunction Or = new([ArgType.Value], a => a.FirstOrDefault(GoValues.IsTrue) ?? a[^1], ArgType.Value);

    public static readonly IReadOnlyDictionary<string, TemplateFunction> All = new Dictionary<string, TemplateFunction>
    {
        ["and"] = And,
        ["or"] = Or,
        ["not"] = new([ArgType.Value], a => !GoValues.IsTrue(a[0])),
        ["len"] = new([ArgType.Value], a => Length(a[0])),
        ["index"] = new([ArgType.Value], a => Index(a[0], a.AsSpan(1).ToArray()), ArgType.Value),
        ["slice"] = new([ArgType.Value], a => Slice(a[0], a.AsSpan(1).ToArray()), ArgType.Value),
        ["eq"] = new([ArgType.Value], a => Compare.Eq(a[0], a.AsSpan(1).ToArray()), ArgType.Value),
        ["ne"] = new([ArgType.Value, ArgType.Value], a => !Compare.Eq(a[0], [a[1]])),
        ["lt"] = new([ArgType.Value, ArgType.Value], a => Compare.Lt(a[0], a[1])),
        ["le"] = new([ArgType.Value, ArgType.Value], a => Compare.Lt(a[0], a[1]) || Compare.Eq(a[0], [a[1]])),
        ["gt"] = new([ArgType.Value, ArgType.Value], a => !Compare.Lt(a[0], a[1]) && !Compare.Eq(a[0], [a[1]])),
        ["ge"] = new([ArgType.Value, ArgType.Value], a => !Compare.Lt(a[0], a[1])),
        ["print"] = new([], a => GoFormat.Sprint(a), ArgType.Any),
        ["printf"] = new([ArgType.String], a => GoFormat.Sprintf((string)a[0]!, a.AsSpan(1).ToArray()), ArgType.Any),
        ["println"] = new([], a => GoFormat.Sprintln(a), ArgType.Any),
        ["html"] = new([], a => HtmlEscape(EvalArgs(a)), ArgType.Any),
        ["js"] = new([], a => JsEscape(EvalArgs(a)), ArgType.Any),
        ["urlquery"] = new([], a => QueryEscape(EvalArgs(a)), ArgType.Any),
        ["call"] = new([ArgType.Value], a => Call(a[0], a.AsSpan(1).ToArray()), ArgType.Value),
    };

    /// <summary>Go's evalArgs: a lone string as is, anything else through fmt.Sprint.</summary>
    public static string EvalArgs(object?[] args)
    {
        if (args.Length == 1 && args[0] is string s) return s;
        // Nil arguments are shown as Go shows a missing value.
        return GoFormat.Sprint(args.Select(a => a is null or Missing ? "<no value>" : a).ToArray());
    }

    private static object? Indirect(object? v) => v is Missing ? null : v;

    private static int Length(object? item)
    {
        return item switch
        {
            // Go's own message for len of a missing value.
            Missing => throw new TemplateFunctionException("reflect: call of reflect.Value.Type on zero Value"),
            null => throw new TemplateFunctionException("len of nil pointer"),
            string s => Encoding.UTF8.GetByteCount(s),
            ICollection c => c.Count,
            IEnumerable e when GoValues.KindOf(e) is GoKind.Struct => e.Cast<object?>().Count(),
            _ => throw new TemplateFunctionException("len of type " + GoValues.TypeName(item)),
        };
    }

    private static int IndexArg(object? index, int cap)
    {
        index = Indirect(index);
        if (index == null) throw new TemplateFunctionException("cannot index slice/array with nil");
        if (!GoValues.IsInteger(index)) throw new TemplateFunctionException("cannot index slice/array with type " + GoValues.TypeName(index));
        long x = GoValues.ToInt64(index);
        if (x < 0 || x > cap) throw new TemplateFunctionException($"index out of range: {x}");
        return (int)x;
    }

    public static object? Index(object? item, object?[] indexes)
    {
        item = Indirect(item);
        if (item == null) throw new TemplateFunctionException("index of untyped nil");
        foreach (var raw in indexes)
        {
            if (item == null) throw new TemplateFunctionException("index of nil pointer");
            var index = Indirect(raw);
            switch (item)
            {
                case string s:
                {
                    var bytes = Encoding.UTF8.GetBytes(s);
                    int x = IndexArg(index, bytes.Length);
                    if (x == bytes.Length) throw new TemplateFunctionException("reflect: string index out of range");
                    item = bytes[x];
                    break;
                }
                case IList list:
                {
                    int x = IndexArg(index, list.Count);
                    if (x == list.Count) throw new TemplateFunctionException("reflect: slice index out of range");
                    item = list[x];
                    break;
                }
                case IDictionary map:
                {
                    var keyType = map.GetType().IsGenericType ? map.GetType().GetGenericArguments()[0] : typeof(object);
                    if (index == null) throw new TemplateFunctionException("value is nil; should be of type " + GoValues.TypeName(keyType));
                    object key = index;
                    if (keyType != typeof(object) && !keyType.IsInstanceOfType(index))
                    {
                        if (GoValues.IsInteger(index) && keyType.IsPrimitive && keyType != typeof(bool) && keyType != typeof(double) && keyType != typeof(float))
                            key = Convert.ChangeType(GoValues.ToInt64(index), keyType, System.Globalization.CultureInfo.InvariantCulture);
                        else
                            throw new TemplateFunctionException($"value has type {GoValues.TypeName(index)}; should be {GoValues.TypeName(keyType)}");
                    }
                    item = map.Contains(key) ? map[key] : ZeroOf(map);
                    break;
                }
                default:
                    throw new TemplateFunctionException("can't index item of type " + GoValues.TypeName(item));
            }
        }
        return item;
    }

    private static object? ZeroOf(IDictionary map)
    {
        var t = map.GetType();
        if (!t.IsGenericType) return null;
        var vt = t.GetGenericArguments()[1];
        if (vt == typeof(string)) return "";
        return vt.IsValueType ? Activator.CreateInstance(vt) : null;
    }

    private static object Slice(object? item, object?[] indexes)
    {
        item = Indirect(item);
        if (item == null) throw new TemplateFunctionException("slice of untyped nil");
        if (indexes.Length > 3) throw new TemplateFunctionException($"too many slice indexes: {indexes.Length}");
        int len;
        byte[]? bytes = null;
        switch (item)
        {
            case string s:
                if (indexes.Length == 3) throw new TemplateFunctionException("cannot 3-index slice a string");
                bytes = Encoding.UTF8.GetBytes(s);
                len = bytes.Length;
                break;
            case IList list:
                len = list.Count;
                break;
            default:
                throw new TemplateFunctionException("can't slice item of type " + GoValues.TypeName(item));
        }
        int[] idx = [0, len, len];
        for (int i = 0; i < indexes.Length; i++)
        {
            // slice does not look inside interfaces: a nil held in an interface{} is reported by that type.
            if (indexes[i] is null) throw new TemplateFunctionException("cannot index slice/array with type interface {}");
            idx[i] = IndexArg(indexes[i], len);
        }
        if (idx[0] > idx[1]) throw new TemplateFunctionException($"invalid slice index: {idx[0]} > {idx[1]}");
        if (indexes.Length == 3 && idx[1] > idx[2]) throw new TemplateFunctionException($"invalid slice index: {idx[1]} > {idx[2]}");
        if (bytes != null) return Encoding.UTF8.GetString(bytes, idx[0], idx[1] - idx[0]);
        var src = (IList)item;
        var result = new List<object?>(idx[1] - idx[0]);
        for (int i = idx[0]; i < idx[1]; i++) result.Add(src[i]);
        return result;
    }

    private static object? Call(object? fn, object?[] args)
    {
        fn = Indirect(fn);
        if (fn == null) throw new TemplateFunctionException("call of nil");
        if (fn is TemplateFunction tf) return tf.Body(args.Select(Indirect).ToArray());
        if (fn is not Delegate d) throw new TemplateFunctionException("non-function of type " + GoValues.TypeName(fn));
        var ps = d.Method.GetParameters();
        if (ps.Length != args.Length) throw new TemplateFunctionException($"wrong number of args: got {args.Length} want {ps.Length}");
        var argv = new object?[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            var a = Indirect(args[i]);
            var pt = ps[i].ParameterType;
            if (a != null && !pt.IsInstanceOfType(a))
                throw new TemplateFunctionException($"arg {i}: value has type {GoValues.TypeName(a)}; should be {GoValues.TypeName(pt)}");
            argv[i] = a;
        }
        try
        {
            return d.DynamicInvoke(argv);
        }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            throw new TemplateFunctionException(e.InnerException.Message);
        }
    }

    /// <summary>Go's template.HTMLEscapeString.</summary>
    public static string HtmlEscape(string s)
    {
        if (s.AsSpan().IndexOfAny("\"'&<>\0") < 0) return s;
        var sb = new StringBuilder(s.Length + 16);
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("&#34;"); break;
                case '\'': sb.Append("&#39;"); break;
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '\0': sb.Append('\uFFFD'); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Go's template.JSEscapeString.</summary>
    public static string JsEscape(string s)
    {
        var sb = new StringBuilder(s.Length + 16);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '\\': sb.Append(@"\\"); continue;
                case '\'': sb.Append(@"\'"); continue;
                case '"': sb.Append("\\\""); continue;
                case '<': sb.Append(@"\u003C"); continue;
                case '>': sb.Append(@"\u003E"); continue;
                case '&': sb.Append(@"\u0026"); continue;
                case '=': sb.Append(@"\u003D"); continue;
            }
            if (c < ' ')
            {
                sb.Append(@"\u00").Append(((int)c).ToString("X2"));
                continue;
            }
            if (c < 0x80) { sb.Append(c); continue; }
            int r = c;
            int width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { r = char.ConvertToUtf32(c, s[i + 1]); width = 2; }
            if (GoQuote.IsPrint(r)) sb.Append(s, i, width);
            else sb.Append(@"\u").Append(r.ToString("X4"));
            i += width - 1;
        }
        return sb.ToString();
    }

    /// <summary>Go's url.QueryEscape.</summary>
    public static string QueryEscape(string s) => UrlEscape(s, spaceAsPlus: true);

    internal static string UrlEscape(string s, bool spaceAsPlus)
    {
        var sb = new StringBuilder(s.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(s))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~') sb.Append(c);
            else if (c == ' ' && spaceAsPlus) sb.Append('+');
            else sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.ToString();
    }
}
