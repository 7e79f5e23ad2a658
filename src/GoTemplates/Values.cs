using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GoTemplates;

/// <summary>Go's invalid reflect.Value: the result of a missing map key, printed as "&lt;no value&gt;".</summary>
public sealed class Missing
{
    public static readonly Missing Value = new();
    private Missing() { }
    public override string ToString() => "<no value>";
}

public enum GoKind { Invalid, Nil, Bool, Int, Uint, Float, String, Slice, Map, Struct, Func, Time, Duration }

/// <summary>Maps .NET values onto Go's kinds, types and truth rules.</summary>
public static class GoValues
{
    private static readonly ConcurrentDictionary<(Type, string), PropertyInfo?> Properties = new();
    private static readonly ConcurrentDictionary<(Type, string), MethodInfo?> Methods = new();

    public static GoKind KindOf(object? v) => v switch
    {
        null => GoKind.Nil,
        Missing => GoKind.Invalid,
        bool => GoKind.Bool,
        int or long or short or sbyte => GoKind.Int,
        uint or ulong or ushort or byte => GoKind.Uint,
        double or float or decimal => GoKind.Float,
        string => GoKind.String,
        char => GoKind.Int,
        DateTimeOffset or DateTime => GoKind.Time,
        TimeSpan => GoKind.Duration,
        IDictionary => GoKind.Map,
        IList => GoKind.Slice,
        Delegate => GoKind.Func,
        _ => GoKind.Struct,
    };

    public static bool IsInteger(object? v) => KindOf(v) is GoKind.Int or GoKind.Uint;

    public static long ToInt64(object v) => v switch
    {
        int i => i, long l => l, short s => s, sbyte b => b, char c => c,
        uint u => u, ulong ul => unchecked((long)ul), ushort us => us, byte by => by,
        TimeSpan ts => ts.Ticks * 100,
        _ => throw new InvalidCastException(),
    };

    public static ulong ToUInt64(object v) => v switch
    {
        uint u => u, ulong ul => ul, ushort us => us, byte by => by,
        _ => unchecked((ulong)ToInt64(v)),
    };

    public static double ToDouble(object v) => v switch
    {
        double d => d, float f => f, decimal m => (double)m,
        _ => (double)ToInt64(v),
    };

    /// <summary>Go's template truth: false, 0, nil, empty string, empty slice or map are false.</summary>
    public static bool IsTrue(object? v) => v switch
    {
        null or Missing => false,
        bool b => b,
        string s => s.Length > 0,
        double d => d != 0,
        float f => f != 0,
        decimal m => m != 0,
        ICollection c => c.Count > 0,
        TimeSpan ts => ts != TimeSpan.Zero,
        _ when IsInteger(v) => ToInt64(v!) != 0,
        _ => true,
    };

    public static string TypeName(object? v) => v switch
    {
        null => "<nil>",
        Missing => "<invalid reflect.Value>",
        _ => TypeName(v.GetType()),
    };

    public static string TypeName(Type t)
    {
        if (t == typeof(int)) return "int";
        if (t == typeof(long)) return "int64";
        if (t == typeof(short)) return "int16";
        if (t == typeof(sbyte)) return "int8";
        if (t == typeof(uint)) return "uint32";
        if (t == typeof(ulong)) return "uint64";
        if (t == typeof(ushort)) return "uint16";
        if (t == typeof(byte)) return "uint8";
        if (t == typeof(char)) return "int32";
        if (t == typeof(double) || t == typeof(decimal)) return "float64";
        if (t == typeof(float)) return "float32";
        if (t == typeof(string)) return "string";
        if (t == typeof(bool)) return "bool";
        if (t == typeof(object)) return "interface {}";
        if (t == typeof(DateTimeOffset) || t == typeof(DateTime)) return "time.Time";
        if (t == typeof(TimeSpan)) return "time.Duration";
        if (t.IsArray) return "[]" + TypeName(t.GetElementType()!);
        if (t.IsGenericType)
        {
            var def = t.GetGenericTypeDefinition();
            var args = t.GetGenericArguments();
            if (def == typeof(List<>) || def == typeof(IList<>) || def == typeof(IReadOnlyList<>)) return "[]" + TypeName(args[0]);
            if (args.Length == 2 && typeof(IDictionary).IsAssignableFrom(t)) return $"map[{TypeName(args[0])}]{TypeName(args[1])}";
        }
        if (typeof(Delegate).IsAssignableFrom(t)) return "func";
        return t.Name;
    }

    /// <summary>Converts JSON documents into plain dictionaries, lists, float64 numbers, strings and booleans, as Go's encoding/json does for interface{}.</summary>
    public static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => ObjectFromJson(e),
        JsonValueKind.Array => ArrayFromJson(e),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static Dictionary<string, object?> ObjectFromJson(JsonElement e)
    {
        var d = new Dictionary<string, object?>();
        foreach (var p in e.EnumerateObject()) d[p.Name] = FromJson(p.Value);
        return d;
    }

    private static List<object?> ArrayFromJson(JsonElement e)
    {
        var l = new List<object?>(e.GetArrayLength());
        foreach (var item in e.EnumerateArray()) l.Add(FromJson(item));
        return l;
    }

    public static object? FromJson(JsonNode? n) => n switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => FromJson(p.Value)),
        JsonArray a => a.Select(FromJson).ToList(),
        JsonValue v when v.TryGetValue<JsonElement>(out var el) => FromJson(el),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        _ => FromJson(JsonSerializer.SerializeToElement(n)),
    };

    /// <summary>Turns input data into the engine's model: JSON becomes dictionaries and lists, other values pass through.</summary>
    public static object? Normalize(object? data) => data switch
    {
        JsonElement e => FromJson(e),
        JsonDocument d => FromJson(d.RootElement),
        JsonNode n => FromJson(n),
        _ => data,
    };

    /// <summary>Map keys in Go's printing and ranging order.</summary>
    public static List<object> SortedKeys(IDictionary map)
    {
        var keys = new List<object>(map.Count);
        foreach (var k in map.Keys) keys.Add(k);
        keys.Sort(CompareKeys);
        return keys;
    }

    private static int CompareKeys(object a, object b)
    {
        if (a is string sa && b is string sb) return string.CompareOrdinal(sa, sb);
        if (IsInteger(a) && IsInteger(b)) return ToInt64(a).CompareTo(ToInt64(b));
        if (KindOf(a) == GoKind.Float && KindOf(b) == GoKind.Float) return ToDouble(a).CompareTo(ToDouble(b));
        if (a is bool ba && b is bool bb) return ba.CompareTo(bb);
        return string.CompareOrdinal(a.ToString(), b.ToString());
    }

    public static PropertyInfo? FindProperty(Type t, string name) =>
        Properties.GetOrAdd((t, name), static key =>
        {
            var p = key.Item1.GetProperty(key.Item2, BindingFlags.Public | BindingFlags.Instance);
            if (p != null && p.GetIndexParameters().Length == 0 && p.CanRead) return p;
            return null;
        });

    public static MethodInfo? FindMethod(Type t, string name) =>
        Methods.GetOrAdd((t, name), static key =>
        {
            var candidates = key.Item1.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.Name == key.Item2 && !m.IsGenericMethodDefinition && !m.IsSpecialName).ToList();
            return candidates.Count == 1 ? candidates[0] : null;
        });

    /// <summary>Public readable properties in declaration order, used when printing plain objects.</summary>
    public static PropertyInfo[] PropertiesOf(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.CanRead).ToArray();

    public static int Length(IList list) => list.Count;
}
