namespace Jsonnet;

internal static partial class StdLib
{
    private static void Math1(string name, Func<double, double> f) =>
        Add(name, new[] { "x" }, (ctx, a, site) => Operators.CheckNumber(f(Num(a[0], name, "x", site)), site));

    private static void RegisterMath()
    {
        Math1("abs", Math.Abs);
        Math1("sign", x => x > 0 ? 1 : x < 0 ? -1 : 0);
        Math1("floor", Math.Floor);
        Math1("ceil", Math.Ceiling);
        Math1("sqrt", Math.Sqrt);
        Math1("sin", Math.Sin);
        Math1("cos", Math.Cos);
        Math1("tan", Math.Tan);
        Math1("asin", Math.Asin);
        Math1("acos", Math.Acos);
        Math1("atan", Math.Atan);
        Math1("exp", Math.Exp);
        Math1("log", Math.Log);
        Math1("log2", Math.Log2);
        Math1("log10", Math.Log10);
        Math1("round", x => Math.Floor(x + 0.5));
        Math1("deg2rad", x => x * Math.PI / 180);
        Math1("rad2deg", x => x * 180 / Math.PI);
        Add("atan2", new[] { "y", "x" }, (ctx, a, site) => Operators.CheckNumber(Math.Atan2(Num(a[0], "atan2", "y", site), Num(a[1], "atan2", "x", site)), site));
        Add("hypot", new[] { "a", "b" }, (ctx, a, site) => Operators.CheckNumber(Math.Sqrt(Math.Pow(Num(a[0], "hypot", "a", site), 2) + Math.Pow(Num(a[1], "hypot", "b", site), 2)), site));
        Add("pow", new[] { "x", "n" }, (ctx, a, site) => Operators.CheckNumber(Math.Pow(Num(a[0], "pow", "x", site), Num(a[1], "pow", "n", site)), site));
        Add("max", new[] { "a", "b" }, (ctx, a, site) => N(Math.Max(Num(a[0], "max", "a", site), Num(a[1], "max", "b", site))));
        Add("min", new[] { "a", "b" }, (ctx, a, site) => N(Math.Min(Num(a[0], "min", "a", site), Num(a[1], "min", "b", site))));
        Add("clamp", new[] { "x", "minVal", "maxVal" }, (ctx, a, site) =>
        {
            double x = Num(a[0], "clamp", "x", site), lo = Num(a[1], "clamp", "minVal", site), hi = Num(a[2], "clamp", "maxVal", site);
            return N(x < lo ? lo : x > hi ? hi : x);
        });
        Add("exponent", new[] { "x" }, (ctx, a, site) =>
        {
            double x = Num(a[0], "exponent", "x", site);
            if (x == 0) return N(0);
            Frexp(x, out int e);
            return N(e);
        });
        Add("mantissa", new[] { "x" }, (ctx, a, site) =>
        {
            double x = Num(a[0], "mantissa", "x", site);
            if (x == 0) return N(0);
            return N(Frexp(x, out _));
        });
        Add("modulo", new[] { "x", "y" }, (ctx, a, site) =>
        {
            double x = Num(a[0], "modulo", "x", site), y = Num(a[1], "modulo", "y", site);
            if (y == 0) throw JsonnetException.Runtime("division by zero.", site);
            return N(x % y);
        });
        Add("mod", new[] { "a", "b" }, (ctx, a, site) => Operators.Binary(ctx, "%", a[0].Force(), a[1].Force(), site ?? default));
        Add("isEven", new[] { "x" }, (ctx, a, site) => JBool.Of(Math.Truncate(Num(a[0], "isEven", "x", site)) % 2 == 0));
        Add("isOdd", new[] { "x" }, (ctx, a, site) => JBool.Of(Math.Abs(Math.Truncate(Num(a[0], "isOdd", "x", site)) % 2) == 1));
        Add("isInteger", new[] { "x" }, (ctx, a, site) =>
        {
            double x = Num(a[0], "isInteger", "x", site);
            return JBool.Of(x == Math.Floor(x));
        });
        Add("isDecimal", new[] { "x" }, (ctx, a, site) =>
        {
            double x = Num(a[0], "isDecimal", "x", site);
            return JBool.Of(x != Math.Floor(x));
        });
    }

    /// <summary>Splits x into mantissa in [0.5, 1) and a power of two, like C's frexp.</summary>
    private static double Frexp(double x, out int exponent)
    {
        exponent = 0;
        if (x == 0 || !double.IsFinite(x)) return x;
        long bits = BitConverter.DoubleToInt64Bits(x);
        int raw = (int)((bits >> 52) & 0x7FF);
        if (raw == 0)
        {
            // Subnormal: scale up first.
            x *= Math.Pow(2, 54);
            bits = BitConverter.DoubleToInt64Bits(x);
            raw = (int)((bits >> 52) & 0x7FF);
            exponent = -54;
        }
        exponent += raw - 1022;
        bits = (bits & ~(0x7FFL << 52)) | (1022L << 52);
        return BitConverter.Int64BitsToDouble(bits);
    }
}
