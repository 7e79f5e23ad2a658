namespace GoTemplates;

/// <summary>Go's template comparison rules: values compare only within a basic kind, signed and unsigned integers mix.</summary>
internal static class Compare
{
    private static object? Indirect(object? v) => v is Missing ? null : v;

    private static GoKind BasicKind(object? v)
    {
        var k = GoValues.KindOf(v);
        return k is GoKind.Bool or GoKind.Int or GoKind.Uint or GoKind.Float or GoKind.String ? k : GoKind.Invalid;
    }

    public static bool Eq(object? arg1, object?[] arg2)
    {
        arg1 = Indirect(arg1);
        if (arg2.Length == 0) throw new TemplateFunctionException("missing argument for comparison");
        var k1 = BasicKind(arg1);
        foreach (var raw in arg2)
        {
            var arg = Indirect(raw);
            var k2 = BasicKind(arg);
            bool truth;
            if (k1 != k2)
            {
                if (k1 == GoKind.Int && k2 == GoKind.Uint) truth = GoValues.ToInt64(arg1!) >= 0 && (ulong)GoValues.ToInt64(arg1!) == GoValues.ToUInt64(arg!);
                else if (k1 == GoKind.Uint && k2 == GoKind.Int) truth = GoValues.ToInt64(arg!) >= 0 && GoValues.ToUInt64(arg1!) == (ulong)GoValues.ToInt64(arg!);
                else if (arg1 != null && arg != null) throw new TemplateFunctionException("incompatible types for comparison");
                else truth = false;
            }
            else
            {
                truth = k1 switch
                {
                    GoKind.Bool => (bool)arg1! == (bool)arg!,
                    GoKind.Float => GoValues.ToDouble(arg1!) == GoValues.ToDouble(arg!),
                    GoKind.Int => GoValues.ToInt64(arg1!) == GoValues.ToInt64(arg!),
                    GoKind.Uint => GoValues.ToUInt64(arg1!) == GoValues.ToUInt64(arg!),
                    GoKind.String => (string)arg1! == (string)arg!,
                    _ => EqOther(arg1, arg),
                };
            }
            if (truth) return true;
        }
        return false;
    }

    private static bool EqOther(object? a, object? b)
    {
        if (a == null || b == null) return a == null && b == null;
        // The messages format the values with %s and %v exactly as Go's do.
        if (a.GetType() != b.GetType())
            throw new TemplateFunctionException(GoFormat.Sprintf("non-comparable types %s: %v, %s: %v", [a, GoValues.TypeName(a), GoValues.TypeName(b), b]));
        if (a is System.Collections.IList or System.Collections.IDictionary)
            throw new TemplateFunctionException(GoFormat.Sprintf("non-comparable type %s: %v", [b, GoValues.TypeName(b)]));
        return a.Equals(b);
    }

    public static bool Lt(object? arg1, object? arg2)
    {
        arg1 = Indirect(arg1);
        arg2 = Indirect(arg2);
        var k1 = BasicKind(arg1);
        if (k1 == GoKind.Invalid) throw new TemplateFunctionException("invalid type for comparison");
        var k2 = BasicKind(arg2);
        if (k2 == GoKind.Invalid) throw new TemplateFunctionException("invalid type for comparison");
        if (k1 != k2)
        {
            if (k1 == GoKind.Int && k2 == GoKind.Uint) return GoValues.ToInt64(arg1!) < 0 || (ulong)GoValues.ToInt64(arg1!) < GoValues.ToUInt64(arg2!);
            if (k1 == GoKind.Uint && k2 == GoKind.Int) return GoValues.ToInt64(arg2!) >= 0 && GoValues.ToUInt64(arg1!) < (ulong)GoValues.ToInt64(arg2!);
            throw new TemplateFunctionException("incompatible types for comparison");
        }
        return k1 switch
        {
            GoKind.Bool => throw new TemplateFunctionException("invalid type for comparison"),
            GoKind.Float => GoValues.ToDouble(arg1!) < GoValues.ToDouble(arg2!),
            GoKind.Int => GoValues.ToInt64(arg1!) < GoValues.ToInt64(arg2!),
            GoKind.Uint => GoValues.ToUInt64(arg1!) < GoValues.ToUInt64(arg2!),
            _ => string.CompareOrdinal((string)arg1!, (string)arg2!) < 0,
        };
    }
}
