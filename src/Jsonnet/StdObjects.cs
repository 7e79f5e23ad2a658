using System.Security.Cryptography;
using System.Text;

namespace Jsonnet;

internal static partial class StdLib
{
    internal static JObject MakeObject(IEnumerable<(string Name, Thunk Value)> fields)
    {
        var dict = new Dictionary<string, FieldDef>();
        foreach (var (name, value) in fields) dict[name] = FieldDef.Constant(name, value);
        return new JObject(ObjectLayer.FromValues(dict));
    }

    private static Thunk FieldThunk(EvalContext ctx, JObject o, string name) => new DelegateThunk(() => o.GetField(ctx, name, null));

    private static void RegisterObjects()
    {
        Add("objectFields", new[] { "o" }, (ctx, a, site) => StringArray(Obj(a[0], "objectFields", "o", site).VisibleFields()));
        Add("objectFieldsAll", new[] { "o" }, (ctx, a, site) => StringArray(Obj(a[0], "objectFieldsAll", "o", site).AllFields()));
        Add("objectFieldsEx", new[] { "o", "inc_hidden" }, (ctx, a, site) =>
        {
            var o = Obj(a[0], "objectFieldsEx", "o", site);
            return StringArray(Bool(a[1], "objectFieldsEx", "inc_hidden", site) ? o.AllFields() : o.VisibleFields());
        });
        Add("objectHas", new[] { "o", "f" }, (ctx, a, site) => JBool.Of(Obj(a[0], "objectHas", "o", site).IsVisible(Str(a[1], "objectHas", "f", site))));
        Add("objectHasAll", new[] { "o", "f" }, (ctx, a, site) => JBool.Of(Obj(a[0], "objectHasAll", "o", site).HasField(Str(a[1], "objectHasAll", "f", site))));
        Add("objectHasEx", new[] { "o", "f", "inc_hidden" }, (ctx, a, site) =>
        {
            var o = Obj(a[0], "objectHasEx", "o", site);
            var f = Str(a[1], "objectHasEx", "f", site);
            return JBool.Of(Bool(a[2], "objectHasEx", "inc_hidden", site) ? o.HasField(f) : o.IsVisible(f));
        });
        Add("objectValues", new[] { "o" }, (ctx, a, site) =>
        {
            var o = Obj(a[0], "objectValues", "o", site);
            return new JArray(o.VisibleFields().Select(f => FieldThunk(ctx, o, f)).ToArray());
        });
        Add("objectValuesAll", new[] { "o" }, (ctx, a, site) =>
        {
            var o = Obj(a[0], "objectValuesAll", "o", site);
            return new JArray(o.AllFields().Select(f => FieldThunk(ctx, o, f)).ToArray());
        });
        Add("objectKeysValues", new[] { "o" }, (ctx, a, site) =>
        {
            var o = Obj(a[0], "objectKeysValues", "o", site);
            return new JArray(o.VisibleFields().Select(f => (Thunk)MakeObject(new[] { ("key", (Thunk)S(f)), ("value", FieldThunk(ctx, o, f)) })).ToArray());
        });
        Add("objectKeysValuesAll", new[] { "o" }, (ctx, a, site) =>
        {
            var o = Obj(a[0], "objectKeysValuesAll", "o", site);
            return new JArray(o.AllFields().Select(f => (Thunk)MakeObject(new[] { ("key", (Thunk)S(f)), ("value", FieldThunk(ctx, o, f)) })).ToArray());
        });
        Add("get", new[] { "o", "f", "default", "inc_hidden" }, (ctx, a, site) =>
        {
            var o = Obj(a[0], "get", "o", site);
            var f = Str(a[1], "get", "f", site);
            bool hidden = Bool(a[3], "get", "inc_hidden", site);
            bool has = hidden ? o.HasField(f) : o.IsVisible(f);
            return has ? o.GetField(ctx, f, site) : a[2].Force();
        }, JNull.Instance, JBool.True);
        Add("objectRemoveKey", new[] { "obj", "key" }, (ctx, a, site) =>
        {
            var o = Obj(a[0], "objectRemoveKey", "obj", site);
            var key = Str(a[1], "objectRemoveKey", "key", site);
            return o.WithoutField(key);
        });
        Add("mapWithKey", new[] { "func", "obj" }, (ctx, a, site) =>
        {
            var f = Func(a[0], "mapWithKey", "func", site);
            var o = Obj(a[1], "mapWithKey", "obj", site);
            return MakeObject(o.VisibleFields().Select(k =>
            {
                var key = S(k);
                var value = FieldThunk(ctx, o, k);
                return (k, (Thunk)new DelegateThunk(() => f.Call(ctx, new Thunk[] { key, value }, site)));
            }));
        });
        Add("mergePatch", new[] { "target", "patch" }, (ctx, a, site) => MergePatch(ctx, a[0].Force(), a[1].Force(), site));
        Add("prune", new[] { "a" }, (ctx, a, site) => Prune(ctx, a[0].Force(), site));
    }

    private static Value MergePatch(EvalContext ctx, Value target, Value patch, SourceSpan? site)
    {
        if (patch is not JObject p) return patch;
        using var scope = ctx.Nest(site);
        var t = target as JObject;
        var result = new List<(string, Thunk)>();
        var patchFields = p.VisibleFields();
        if (t != null)
        {
            foreach (var f in t.VisibleFields())
            {
                if (Array.BinarySearch(patchFields, f, StringComparer.Ordinal) >= 0) continue;
                result.Add((f, FieldThunk(ctx, t, f)));
            }
        }
        foreach (var f in patchFields)
        {
            var pv = p.GetField(ctx, f, site);
            if (pv is JNull) continue;
            var tv = t != null && t.IsVisible(f) ? t.GetField(ctx, f, site) : JNull.Instance;
            result.Add((f, MergePatch(ctx, tv, pv, site)));
        }
        return MakeObject(result);
    }

    private static bool IsContent(Value v) => v switch
    {
        JNull => false,
        JArray a => a.Length > 0,
        JObject o => o.VisibleCount > 0,
        _ => true,
    };

    private static Value Prune(EvalContext ctx, Value v, SourceSpan? site)
    {
        using var scope = ctx.Nest(site);
        switch (v)
        {
            case JArray arr:
            {
                var items = new List<Thunk>();
                foreach (var t in arr.Items)
                {
                    var p = Prune(ctx, t.Force(), site);
                    if (IsContent(p)) items.Add(p);
                }
                return MakeArray(items);
            }
            case JObject o:
            {
                var fields = new List<(string, Thunk)>();
                foreach (var f in o.VisibleFields())
                {
                    var p = Prune(ctx, o.GetField(ctx, f, site), site);
                    if (IsContent(p)) fields.Add((f, p));
                }
                return MakeObject(fields);
            }
            default:
                return v;
        }
    }

    private static void RegisterEncoding()
    {
        Add("base64", new[] { "input" }, (ctx, a, site) =>
        {
            var v = a[0].Force();
            byte[] bytes = v switch
            {
                JString s => Encoding.UTF8.GetBytes(s.Value),
                JArray arr => arr.Items.Select(t => t.Force() is JNumber n && n.Value >= 0 && n.Value <= 255 && n.Value == Math.Floor(n.Value)
                    ? (byte)n.Value
                    : throw JsonnetException.Runtime("base64 encountered invalid codepoint value in the array (must be 0 <= X <= 255)", site)).ToArray(),
                _ => throw JsonnetException.Runtime($"base64 can only base64 encode strings / arrays of single bytes.", site),
            };
            return S(Convert.ToBase64String(bytes));
        });
        Add("base64DecodeBytes", new[] { "str" }, (ctx, a, site) =>
            new JArray(DecodeBase64(Str(a[0], "base64DecodeBytes", "str", site), site).Select(b => (Thunk)N(b)).ToArray()));
        Add("base64Decode", new[] { "str" }, (ctx, a, site) => S(Encoding.UTF8.GetString(DecodeBase64(Str(a[0], "base64Decode", "str", site), site))));
        Add("md5", new[] { "s" }, (ctx, a, site) => S(Hex(MD5.HashData(Encoding.UTF8.GetBytes(Str(a[0], "md5", "s", site))))));
        Add("sha1", new[] { "s" }, (ctx, a, site) => S(Hex(SHA1.HashData(Encoding.UTF8.GetBytes(Str(a[0], "sha1", "s", site))))));
        Add("sha256", new[] { "s" }, (ctx, a, site) => S(Hex(SHA256.HashData(Encoding.UTF8.GetBytes(Str(a[0], "sha256", "s", site))))));
        Add("sha512", new[] { "s" }, (ctx, a, site) => S(Hex(SHA512.HashData(Encoding.UTF8.GetBytes(Str(a[0], "sha512", "s", site))))));
        Add("sha3", new[] { "s" }, (ctx, a, site) =>
        {
            if (!SHA3_512.IsSupported) throw JsonnetException.Runtime("std.sha3 is not supported on this platform", site);
            return S(Hex(SHA3_512.HashData(Encoding.UTF8.GetBytes(Str(a[0], "sha3", "s", site)))));
        });
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private static byte[] DecodeBase64(string s, SourceSpan? site)
    {
        if (s.Length % 4 != 0) throw JsonnetException.Runtime("input to std.base64Decode must have a length that is a multiple of 4", site);
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            throw JsonnetException.Runtime("input to std.base64Decode is not valid base64", site);
        }
    }
}
