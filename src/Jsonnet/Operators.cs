namespace Jsonnet;

/// <summary>Jsonnet's binary operators, indexing, equality and ordering.</summary>
internal static class Operators
{
    public static Value Add(EvalContext ctx, Value l, Value r, SourceSpan? span)
    {
        switch (l)
        {
            case JNumber a when r is JNumber b:
                return CheckNumber(a.Value + b.Value, span);
            case JString a when r is JString b:
                ctx.CheckSize((double)a.Utf16Length + b.Utf16Length, span);
                return JString.Concat(a, b);
            case JString a:
                return JString.Concat(a, new JString(Manifester.ToText(ctx, r)));
            case JObject a when r is JObject b:
                return JObject.Extend(a, b);
            case JArray a when r is JArray b:
                if (a.Length == 0) return b;
                if (b.Length == 0) return a;
                ctx.CheckSize((double)a.Length + b.Length, span);
                var items = new Thunk[a.Length + b.Length];
                a.Items.CopyTo(items, 0);
                b.Items.CopyTo(items, a.Length);
                return new JArray(items);
        }
        if (r is JString rs) return JString.Concat(new JString(Manifester.ToText(ctx, l)), rs);
        throw JsonnetException.Runtime($"binary operator + requires matching types, got {l.TypeName} and {r.TypeName}.", span);
    }

    public static JNumber CheckNumber(double v, SourceSpan? span)
    {
        if (double.IsFinite(v)) return JNumber.Of(v);
        if (double.IsNaN(v)) throw JsonnetException.Runtime("not a number", span);
        throw JsonnetException.Runtime("overflow", span);
    }

    public static long ToInt64(double v, SourceSpan? span)
    {
        if (v <= -9007199254740992.0 || v >= 9007199254740992.0)
        {
            throw JsonnetException.Runtime($"numeric value outside safe integer range for bitwise operation.", span);
        }
        return (long)v;
    }

    public static Value Binary(EvalContext ctx, string op, Value l, Value r, SourceSpan span)
    {
        switch (op)
        {
            case "+": return Add(ctx, l, r, span);
            case "==": return JBool.Of(Equal(ctx, l, r, span));
            case "!=": return JBool.Of(!Equal(ctx, l, r, span));
            case "<": return JBool.Of(Compare(ctx, l, r, span) < 0);
            case "<=": return JBool.Of(Compare(ctx, l, r, span) <= 0);
            case ">": return JBool.Of(Compare(ctx, l, r, span) > 0);
            case ">=": return JBool.Of(Compare(ctx, l, r, span) >= 0);
            case "in":
                if (l is JString key && r is JObject o) return JBool.Of(o.HasField(key.Value));
                throw JsonnetException.Runtime($"Binary operator in does not operate on types {l.TypeName} and {r.TypeName}.", span);
            case "%":
                if (l is JString fmt) return new JString(Formatter.Format(ctx, fmt.Value, r, span));
                break;
        }
        if (l is not JNumber ln || r is not JNumber rn)
        {
            throw JsonnetException.Runtime($"binary operator {op} requires matching types, got {l.TypeName} and {r.TypeName}.", span);
        }
        double a = ln.Value, b = rn.Value;
        switch (op)
        {
            case "-": return CheckNumber(a - b, span);
            case "*": return CheckNumber(a * b, span);
            case "/":
                if (b == 0) throw JsonnetException.Runtime("division by zero.", span);
                return CheckNumber(a / b, span);
            case "%":
                if (b == 0) throw JsonnetException.Runtime("division by zero.", span);
                return CheckNumber(a % b, span);
            case "<<":
            {
                long x = ToInt64(a, span), s = ToInt64(b, span);
                if (s < 0) throw JsonnetException.Runtime("Shift by negative exponent.", span);
                return JNumber.Of(ToInt64(x << (int)(s & 63), span));
            }
            case ">>":
            {
                long x = ToInt64(a, span), s = ToInt64(b, span);
                if (s < 0) throw JsonnetException.Runtime("Shift by negative exponent.", span);
                return JNumber.Of(x >> (int)(s & 63));
            }
            case "&": return JNumber.Of(ToInt64(a, span) & ToInt64(b, span));
            case "|": return JNumber.Of(ToInt64(a, span) | ToInt64(b, span));
            case "^": return JNumber.Of(ToInt64(a, span) ^ ToInt64(b, span));
        }
        throw JsonnetException.Runtime($"Unknown operator {op}", span);
    }

    public static Value Index(EvalContext ctx, Value target, Value index, SourceSpan span)
    {
        switch (target)
        {
            case JObject o:
                if (index is not JString name) throw JsonnetException.Runtime($"Object index must be string, got {index.TypeName}.", span);
                return o.GetField(ctx, name.Value, span);
            case JArray a:
            {
                if (index is not JNumber n) throw JsonnetException.Runtime($"Array index must be number, got {index.TypeName}.", span);
                double d = n.Value;
                if (d != Math.Floor(d)) throw JsonnetException.Runtime($"Array index must be an integer, got {Manifester.FormatNumber(d)}.", span);
                if (d < 0 || d >= a.Length) throw JsonnetException.Runtime($"array bounds error: {Manifester.FormatNumber(d)} not within [0, {a.Length})", span);
                return a.Items[(int)d].Force();
            }
            case JString s:
            {
                if (index is not JNumber n) throw JsonnetException.Runtime($"String index must be a number, got {index.TypeName}.", span);
                double d = n.Value;
                if (d != Math.Floor(d)) throw JsonnetException.Runtime($"String index must be an integer, got {Manifester.FormatNumber(d)}.", span);
                var text = s.Value;
                int len = Strings.CodePointLength(text);
                if (d < 0 || d >= len) throw JsonnetException.Runtime($"string bounds error: {Manifester.FormatNumber(d)} not within [0, {len})", span);
                return new JString(Strings.CodePointAt(text, (int)d));
            }
        }
        throw JsonnetException.Runtime($"Value of type {target.TypeName} cannot be indexed.", span);
    }

    public static bool Equal(EvalContext ctx, Value a, Value b, SourceSpan? span)
    {
        if (ReferenceEquals(a, b) && a is not JFunction) return true;
        if (a is JArray || a is JObject)
        {
            using var scope = ctx.Nest(span);
            return EqualComposite(ctx, a, b, span);
        }
        return EqualComposite(ctx, a, b, span);
    }

    private static bool EqualComposite(EvalContext ctx, Value a, Value b, SourceSpan? span)
    {
        switch (a)
        {
            case JNumber xn: return b is JNumber yn && xn.Value == yn.Value;
            case JString xs: return b is JString ys && xs.Utf16Length == ys.Utf16Length && string.Equals(xs.Value, ys.Value, StringComparison.Ordinal);
            case JBool: return false;
            case JNull: return b is JNull;
            case JArray x:
            {
                if (b is not JArray y || x.Length != y.Length) return false;
                for (int i = 0; i < x.Length; i++)
                {
                    if (!Equal(ctx, x.Items[i].Force(), y.Items[i].Force(), span)) return false;
                }
                return true;
            }
            case JObject x:
            {
                if (b is not JObject y) return false;
                var fx = x.VisibleFields();
                var fy = y.VisibleFields();
                if (fx.Length != fy.Length) return false;
                for (int i = 0; i < fx.Length; i++)
                {
                    if (fx[i] != fy[i]) return false;
                }
                foreach (var f in fx)
                {
                    if (!Equal(ctx, x.GetField(ctx, f, span), y.GetField(ctx, f, span), span)) return false;
                }
                return true;
            }
            case JFunction:
                if (b is JFunction) throw JsonnetException.Runtime("cannot test equality of functions", span);
                return false;
        }
        return false;
    }

    public static int Compare(EvalContext ctx, Value a, Value b, SourceSpan? span)
    {
        switch (a)
        {
            case JNumber x when b is JNumber y:
                return x.Value.CompareTo(y.Value);
            case JString x when b is JString y:
                return Strings.CompareCodePoints(x.Value, y.Value);
            case JArray x when b is JArray y:
            {
                using var scope = ctx.Nest(span);
                int n = Math.Min(x.Length, y.Length);
                for (int i = 0; i < n; i++)
                {
                    int c = Compare(ctx, x.Items[i].Force(), y.Items[i].Force(), span);
                    if (c != 0) return c;
                }
                return x.Length.CompareTo(y.Length);
            }
        }
        if (a.TypeName != b.TypeName)
        {
            throw JsonnetException.Runtime($"binary operator < requires matching types, got {a.TypeName} and {b.TypeName}.", span);
        }
        throw JsonnetException.Runtime($"binary operator < does not operate on type {a.TypeName}.", span);
    }
}
