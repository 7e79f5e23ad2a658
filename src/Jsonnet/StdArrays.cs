using System.Text;

namespace Jsonnet;

internal static class Std
{
    public static Value Slice(Value target, Value? from, Value? to, Value? step, SourceSpan? site)
    {
        int len = target switch
        {
            JArray a => a.Length,
            JString s => Strings.CodePointLength(s.Value),
            _ => throw JsonnetException.Runtime($"std.slice accepts a string or an array, but got: {target.TypeName}", site),
        };
        int Bound(Value? v, int dflt, string what)
        {
            if (v == null || v is JNull) return dflt;
            if (v is not JNumber n) throw JsonnetException.Runtime($"std.slice {what} should be a number, got {v.TypeName}", site);
            double d = n.Value;
            if (d != Math.Floor(d)) throw JsonnetException.Runtime($"std.slice {what} should be an integer, got {Manifester.FormatNumber(d)}", site);
            if (d < 0) d = Math.Max(0, len + d);
            return (int)Math.Min(d, len);
        }
        int start = Bound(from, 0, "index");
        int end = Bound(to, len, "end");
        int stepValue = 1;
        if (step != null && step is not JNull)
        {
            if (step is not JNumber sn || sn.Value != Math.Floor(sn.Value)) throw JsonnetException.Runtime("std.slice step should be an integer", site);
            if (sn.Value <= 0) throw JsonnetException.Runtime($"std.slice step should be greater than 0, got {Manifester.FormatNumber(sn.Value)}", site);
            stepValue = (int)Math.Min(sn.Value, int.MaxValue);
        }
        if (target is JArray arr)
        {
            if (start == 0 && end == len && stepValue == 1) return arr;
            var items = new List<Thunk>();
            for (long i = start; i < end; i += stepValue) items.Add(arr.Items[i]);
            return StdLib.MakeArray(items);
        }
        var str = ((JString)target).Value;
        if (stepValue == 1 && !Strings.HasSurrogates(str)) return new JString(start >= end ? "" : str[start..end]);
        var cps = Strings.ToCodePoints(str);
        var sb = new StringBuilder();
        for (long i = start; i < end; i += stepValue) sb.Append(Strings.FromCodePoint(cps[i]));
        return new JString(sb.ToString());
    }
}

internal static partial class StdLib
{
    /// <summary>Arrays, or strings seen as arrays of one-character strings.</summary>
    private static Thunk[] Elements(Thunk t, string fn, string param, SourceSpan? site)
    {
        var v = t.Force();
        if (v is JArray a) return a.Items;
        if (v is JString s) return Strings.ToCodePoints(s.Value).Select(cp => (Thunk)S(Strings.FromCodePoint(cp))).ToArray();
        throw TypeError(fn, param, "array", v, site);
    }

    private static Value Key(EvalContext ctx, JFunction keyF, Thunk item, SourceSpan? site) =>
        ReferenceEquals(keyF, Identity) || keyF.Name == "std.id" ? item.Force() : keyF.Call(ctx, new[] { item }, site);

    private static Thunk[] SortItems(EvalContext ctx, Thunk[] items, JFunction keyF, SourceSpan? site)
    {
        var keys = new Value[items.Length];
        for (int i = 0; i < items.Length; i++) keys[i] = Key(ctx, keyF, items[i], site);
        var order = Enumerable.Range(0, items.Length).ToArray();
        // Check types up front so the comparer cannot fail half-way through.
        if (keys.Length > 0)
        {
            var kind = keys[0].TypeName;
            foreach (var k in keys)
            {
                if (k is not (JNumber or JString or JArray)) throw JsonnetException.Runtime($"Values of type {k.TypeName} are not comparable.", site);
                if (k.TypeName != kind) throw JsonnetException.Runtime($"Comparison requires matching types. Got {kind} and {k.TypeName}", site);
            }
        }
        var sorted = order.OrderBy(i => keys[i], Comparer<Value>.Create((x, y) => Operators.Compare(ctx, x, y, site))).ToArray();
        return sorted.Select(i => items[i]).ToArray();
    }

    private static Value Uniq(EvalContext ctx, Thunk[] items, JFunction keyF, SourceSpan? site)
    {
        var result = new List<Thunk>();
        Value? lastKey = null;
        foreach (var item in items)
        {
            var k = Key(ctx, keyF, item, site);
            if (lastKey == null || !Operators.Equal(ctx, lastKey, k, site)) result.Add(item);
            lastKey = k;
        }
        return MakeArray(result);
    }

    private static JArray Range(int from, int to)
    {
        if (to < from) return JArray.Empty;
        var items = new Thunk[to - from + 1];
        for (int i = 0; i < items.Length; i++) items[i] = N(from + i);
        return new JArray(items);
    }

    private static void RegisterArrays()
    {
        var id = (Thunk)Identity;
        Add("makeArray", new[] { "sz", "func" }, (ctx, a, site) =>
        {
            double sz = Num(a[0], "makeArray", "sz", site);
            if (sz < 0 || sz != Math.Floor(sz)) throw JsonnetException.Runtime($"makeArray requires size >= 0, got {Manifester.FormatNumber(sz)}", site);
            var f = Func(a[1], "makeArray", "func", site);
            ctx.CheckSize(sz, site);
            var items = new Thunk[(int)sz];
            for (int i = 0; i < items.Length; i++)
            {
                var index = N(i);
                items[i] = new DelegateThunk(() => f.Call(ctx, new Thunk[] { index }, site));
            }
            return new JArray(items);
        });
        Add("range", new[] { "from", "to" }, (ctx, a, site) =>
        {
            int from = Int(a[0], "range", "from", site), to = Int(a[1], "range", "to", site);
            ctx.CheckSize((double)to - from + 1, site);
            return Range(from, to);
        });
        Add("map", new[] { "func", "arr" }, (ctx, a, site) =>
        {
            var f = Func(a[0], "map", "func", site);
            var src = Elements(a[1], "map", "arr", site);
            var items = new Thunk[src.Length];
            for (int i = 0; i < items.Length; i++)
            {
                var item = src[i];
                items[i] = new DelegateThunk(() => f.Call(ctx, new[] { item }, site));
            }
            return new JArray(items);
        });
        Add("mapWithIndex", new[] { "func", "arr" }, (ctx, a, site) =>
        {
            var f = Func(a[0], "mapWithIndex", "func", site);
            var src = Elements(a[1], "mapWithIndex", "arr", site);
            var items = new Thunk[src.Length];
            for (int i = 0; i < items.Length; i++)
            {
                var item = src[i];
                var index = N(i);
                items[i] = new DelegateThunk(() => f.Call(ctx, new[] { index, item }, site));
            }
            return new JArray(items);
        });
        Add("filter", new[] { "func", "arr" }, (ctx, a, site) =>
        {
            var f = Func(a[0], "filter", "func", site);
            var result = new List<Thunk>();
            foreach (var item in Arr(a[1], "filter", "arr", site).Items)
            {
                if (f.Call(ctx, new[] { item }, site) is not JBool b) throw JsonnetException.Runtime("filter function must return boolean", site);
                if (b.Value) result.Add(item);
            }
            return MakeArray(result);
        });
        Add("filterMap", new[] { "filter_func", "map_func", "arr" }, (ctx, a, site) =>
        {
            var f = Func(a[0], "filterMap", "filter_func", site);
            var m = Func(a[1], "filterMap", "map_func", site);
            var result = new List<Thunk>();
            foreach (var item in Arr(a[2], "filterMap", "arr", site).Items)
            {
                if (f.Call(ctx, new[] { item }, site) is not JBool b) throw JsonnetException.Runtime("filter function must return boolean", site);
                if (b.Value) result.Add(m.Call(ctx, new[] { item }, site));
            }
            return MakeArray(result);
        });
        Add("flatMap", new[] { "func", "arr" }, (ctx, a, site) =>
        {
            var f = Func(a[0], "flatMap", "func", site);
            var v = a[1].Force();
            if (v is JString s)
            {
                var sb = new StringBuilder();
                foreach (var item in Elements(a[1], "flatMap", "arr", site))
                {
                    var r = f.Call(ctx, new[] { item }, site);
                    if (r is JString rs) sb.Append(rs.Value);
                    else if (r is not JNull) throw JsonnetException.Runtime($"flatMap func must return string, got {r.TypeName}", site);
                }
                return S(sb.ToString());
            }
            if (v is not JArray arr) throw JsonnetException.Runtime($"flatMap arr should be an array or string, got {v.TypeName}", site);
            var result = new List<Thunk>();
            foreach (var item in arr.Items)
            {
                var r = f.Call(ctx, new[] { item }, site);
                if (r is JArray ra) result.AddRange(ra.Items);
                else if (r is not JNull) throw JsonnetException.Runtime($"flatMap func must return an array, got {r.TypeName}", site);
            }
            return MakeArray(result);
        });
        Add("foldl", new[] { "func", "arr", "init" }, (ctx, a, site) =>
        {
            var f = Func(a[0], "foldl", "func", site);
            var acc = a[2].Force();
            foreach (var item in Elements(a[1], "foldl", "arr", site)) acc = f.Call(ctx, new[] { acc, item }, site);
            return acc;
        });
        Add("foldr", new[] { "func", "arr", "init" }, (ctx, a, site) =>
        {
            var f = Func(a[0], "foldr", "func", site);
            var acc = a[2].Force();
            var items = Elements(a[1], "foldr", "arr", site);
            for (int i = items.Length - 1; i >= 0; i--) acc = f.Call(ctx, new[] { items[i], acc }, site);
            return acc;
        });
        Add("repeat", new[] { "what", "count" }, (ctx, a, site) =>
        {
            int count = Int(a[1], "repeat", "count", site);
            if (count < 0) throw JsonnetException.Runtime("std.repeat count must be non-negative", site);
            var what = a[0].Force();
            ctx.CheckSize((double)count * (what is JString ws ? ws.Utf16Length : what is JArray wa ? wa.Length : 0), site);
            if (what is JString s) return S(string.Concat(Enumerable.Repeat(s.Value, count)));
            if (what is JArray arr)
            {
                var items = new List<Thunk>();
                for (int i = 0; i < count; i++) items.AddRange(arr.Items);
                return MakeArray(items);
            }
            throw JsonnetException.Runtime($"std.repeat first argument must be an array or a string", site);
        });
        Add("slice", new[] { "indexable", "index", "end", "step" }, (ctx, a, site) => Std.Slice(a[0].Force(), a[1].Force(), a[2].Force(), a[3].Force(), site));
        Add("join", new[] { "sep", "arr" }, (ctx, a, site) =>
        {
            var sep = a[0].Force();
            var arr = Arr(a[1], "join", "arr", site);
            if (sep is JString ss)
            {
                var sb = new StringBuilder();
                bool first = true;
                foreach (var t in arr.Items)
                {
                    var v = t.Force();
                    if (v is JNull) continue;
                    if (v is not JString vs) throw JsonnetException.Runtime($"expected string but arr[{Array.IndexOf(arr.Items, t)}] was {v.TypeName}", site);
                    if (!first) sb.Append(ss.Value);
                    first = false;
                    sb.Append(vs.Value);
                }
                return S(sb.ToString());
            }
            if (sep is JArray sa)
            {
                var result = new List<Thunk>();
                bool first = true;
                foreach (var t in arr.Items)
                {
                    var v = t.Force();
                    if (v is JNull) continue;
                    if (v is not JArray va) throw JsonnetException.Runtime($"expected array but arr[{Array.IndexOf(arr.Items, t)}] was {v.TypeName}", site);
                    if (!first) result.AddRange(sa.Items);
                    first = false;
                    result.AddRange(va.Items);
                }
                return MakeArray(result);
            }
            throw JsonnetException.Runtime($"join sep should be a string or array, got {sep.TypeName}", site);
        });
        Add("lines", new[] { "arr" }, (ctx, a, site) =>
        {
            var sb = new StringBuilder();
            foreach (var t in Arr(a[0], "lines", "arr", site).Items)
            {
                var v = t.Force();
                if (v is JNull) continue;
                if (v is not JString s) throw JsonnetException.Runtime($"expected string but got {v.TypeName}", site);
                sb.Append(s.Value).Append('\n');
            }
            return S(sb.ToString());
        });
        Add("deepJoin", new[] { "arr" }, (ctx, a, site) =>
        {
            var sb = new StringBuilder();
            void Walk(Value v)
            {
                using var scope = ctx.Nest(site);
                if (v is JString s) sb.Append(s.Value);
                else if (v is JArray arr)
                {
                    foreach (var t in arr.Items) Walk(t.Force());
                }
                else throw JsonnetException.Runtime($"Expected string or array, got {v.TypeName}", site);
            }
            Walk(a[0].Force());
            return S(sb.ToString());
        });
        Add("flattenArrays", new[] { "arrs" }, (ctx, a, site) =>
        {
            var result = new List<Thunk>();
            foreach (var t in Arr(a[0], "flattenArrays", "arrs", site).Items)
            {
                var v = t.Force();
                if (v is JArray va) result.AddRange(va.Items);
                else if (v is not JNull) throw JsonnetException.Runtime($"expected array, got {v.TypeName}", site);
            }
            return MakeArray(result);
        });
        Add("flattenDeepArray", new[] { "value" }, (ctx, a, site) =>
        {
            var result = new List<Thunk>();
            void Walk(Thunk t)
            {
                using var scope = ctx.Nest(site);
                var v = t.Force();
                if (v is JArray arr)
                {
                    foreach (var i in arr.Items) Walk(i);
                }
                else result.Add(v);
            }
            Walk(a[0]);
            return MakeArray(result);
        });
        Add("reverse", new[] { "arr" }, (ctx, a, site) =>
        {
            var items = (Thunk[])Arr(a[0], "reverse", "arr", site).Items.Clone();
            Array.Reverse(items);
            return new JArray(items);
        });
        Add("sort", new[] { "arr", "keyF" }, (ctx, a, site) =>
            new JArray(SortItems(ctx, Elements(a[0], "sort", "arr", site), Func(a[1], "sort", "keyF", site), site)), id);
        Add("uniq", new[] { "arr", "keyF" }, (ctx, a, site) => Uniq(ctx, Arr(a[0], "uniq", "arr", site).Items, Func(a[1], "uniq", "keyF", site), site), id);
        Add("set", new[] { "arr", "keyF" }, (ctx, a, site) =>
        {
            var keyF = Func(a[1], "set", "keyF", site);
            return Uniq(ctx, SortItems(ctx, Elements(a[0], "set", "arr", site), keyF, site), keyF, site);
        }, id);
        Add("setMember", new[] { "x", "arr", "keyF" }, (ctx, a, site) =>
        {
            var keyF = Func(a[2], "setMember", "keyF", site);
            var items = Elements(a[1], "setMember", "arr", site);
            var key = Key(ctx, keyF, a[0], site);
            int lo = 0, hi = items.Length - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) / 2;
                int c = Operators.Compare(ctx, Key(ctx, keyF, items[mid], site), key, site);
                if (c == 0) return JBool.True;
                if (c < 0) lo = mid + 1;
                else hi = mid - 1;
            }
            return JBool.False;
        }, id);
        Add("setInter", new[] { "a", "b", "keyF" }, (ctx, a, site) => SetOp(ctx, a, "setInter", site, true, false, false), id);
        Add("setUnion", new[] { "a", "b", "keyF" }, (ctx, a, site) => SetOp(ctx, a, "setUnion", site, true, true, true), id);
        Add("setDiff", new[] { "a", "b", "keyF" }, (ctx, a, site) => SetOp(ctx, a, "setDiff", site, false, true, false), id);
        Add("member", new[] { "arr", "x" }, (ctx, a, site) =>
        {
            var v = a[0].Force();
            if (v is JString s) return JBool.Of(s.Value.Contains(Str(a[1], "member", "x", site), StringComparison.Ordinal));
            if (v is not JArray arr) throw JsonnetException.Runtime($"std.member first argument must be an array or a string, got {v.TypeName}", site);
            var x = a[1].Force();
            return JBool.Of(arr.Items.Any(t => Operators.Equal(ctx, t.Force(), x, site)));
        });
        Add("contains", new[] { "arr", "elem" }, (ctx, a, site) =>
        {
            var x = a[1].Force();
            return JBool.Of(Arr(a[0], "contains", "arr", site).Items.Any(t => Operators.Equal(ctx, t.Force(), x, site)));
        });
        Add("count", new[] { "arr", "x" }, (ctx, a, site) =>
        {
            var x = a[1].Force();
            return N(Arr(a[0], "count", "arr", site).Items.Count(t => Operators.Equal(ctx, t.Force(), x, site)));
        });
        Add("find", new[] { "value", "arr" }, (ctx, a, site) =>
        {
            var x = a[0].Force();
            var items = Arr(a[1], "find", "arr", site).Items;
            var result = new List<Thunk>();
            for (int i = 0; i < items.Length; i++)
            {
                if (Operators.Equal(ctx, items[i].Force(), x, site)) result.Add(N(i));
            }
            return MakeArray(result);
        });
        Add("remove", new[] { "arr", "elem" }, (ctx, a, site) =>
        {
            var x = a[1].Force();
            var items = Arr(a[0], "remove", "arr", site).Items.ToList();
            int i = items.FindIndex(t => Operators.Equal(ctx, t.Force(), x, site));
            if (i >= 0) items.RemoveAt(i);
            return MakeArray(items);
        });
        Add("removeAt", new[] { "arr", "at" }, (ctx, a, site) =>
        {
            var items = Arr(a[0], "removeAt", "arr", site).Items.ToList();
            int i = Int(a[1], "removeAt", "at", site);
            if (i >= 0 && i < items.Count) items.RemoveAt(i);
            return MakeArray(items);
        });
        Add("all", new[] { "arr" }, (ctx, a, site) =>
        {
            foreach (var t in Arr(a[0], "all", "arr", site).Items)
            {
                if (t.Force() is not JBool b) throw JsonnetException.Runtime($"Elements of std.all must be boolean, got {t.Force().TypeName}", site);
                if (!b.Value) return JBool.False;
            }
            return JBool.True;
        });
        Add("any", new[] { "arr" }, (ctx, a, site) =>
        {
            foreach (var t in Arr(a[0], "any", "arr", site).Items)
            {
                if (t.Force() is not JBool b) throw JsonnetException.Runtime($"Elements of std.any must be boolean, got {t.Force().TypeName}", site);
                if (b.Value) return JBool.True;
            }
            return JBool.False;
        });
        Add("sum", new[] { "arr" }, (ctx, a, site) =>
        {
            double sum = 0;
            foreach (var t in Arr(a[0], "sum", "arr", site).Items) sum += t.Force() is JNumber n ? n.Value : throw JsonnetException.Runtime("std.sum expects an array of numbers", site);
            return N(sum);
        });
        Add("avg", new[] { "arr" }, (ctx, a, site) =>
        {
            var items = Arr(a[0], "avg", "arr", site).Items;
            if (items.Length == 0) throw JsonnetException.Runtime("Cannot calculate average of an empty array.", site);
            double sum = 0;
            foreach (var t in items) sum += t.Force() is JNumber n ? n.Value : throw JsonnetException.Runtime("std.avg expects an array of numbers", site);
            return N(sum / items.Length);
        });
        Add("minArray", new[] { "arr", "keyF", "onEmpty" }, (ctx, a, site) => Extreme(ctx, a, "minArray", -1, site), id, Absent.Instance);
        Add("maxArray", new[] { "arr", "keyF", "onEmpty" }, (ctx, a, site) => Extreme(ctx, a, "maxArray", 1, site), id, Absent.Instance);
    }

    private static Value Extreme(EvalContext ctx, Thunk[] a, string fn, int sign, SourceSpan? site)
    {
        var items = Arr(a[0], fn, "arr", site).Items;
        var keyF = Func(a[1], fn, "keyF", site);
        if (items.Length == 0)
        {
            if (a[2] is not Absent) return a[2].Force();
            throw JsonnetException.Runtime($"Expected at least one element in array. Got none", site);
        }
        var best = items[0];
        var bestKey = Key(ctx, keyF, best, site);
        for (int i = 1; i < items.Length; i++)
        {
            var k = Key(ctx, keyF, items[i], site);
            if (Operators.Compare(ctx, k, bestKey, site) * sign > 0)
            {
                best = items[i];
                bestKey = k;
            }
        }
        return best.Force();
    }

    /// <summary>Merge of two sorted sets: which parts to keep (only in a, in both, only in b).</summary>
    private static Value SetOp(EvalContext ctx, Thunk[] a, string fn, SourceSpan? site, bool keepBoth, bool keepA, bool keepB)
    {
        var x = Elements(a[0], fn, "a", site);
        var y = Elements(a[1], fn, "b", site);
        var keyF = Func(a[2], fn, "keyF", site);
        var result = new List<Thunk>();
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            int c = Operators.Compare(ctx, Key(ctx, keyF, x[i], site), Key(ctx, keyF, y[j], site), site);
            if (c == 0)
            {
                if (keepBoth) result.Add(x[i]);
                i++;
                j++;
            }
            else if (c < 0)
            {
                if (keepA) result.Add(x[i]);
                i++;
            }
            else
            {
                if (keepB) result.Add(y[j]);
                j++;
            }
        }
        if (keepA) while (i < x.Length) result.Add(x[i++]);
        if (keepB) while (j < y.Length) result.Add(y[j++]);
        return MakeArray(result);
    }
}
