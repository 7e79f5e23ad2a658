using System.Globalization;
using static GoTemplates.ArgType;

namespace GoTemplates.Sprig;

/// <summary>sprig's integer math (int64 results), decimal-backed float math and sequences.</summary>
internal static class MathFunctions
{
    private const GoTemplates.ArgType Str = GoTemplates.ArgType.String;

    public static void Register(Dictionary<string, TemplateFunction> m)
    {
        m["add1"] = TemplateFunction.Of(Any, a => Conv.ToInt64(a) + 1);
        m["add"] = TemplateFunction.Variadics(Any, a => a.Aggregate(0L, (acc, x) => unchecked(acc + Conv.ToInt64(x))));
        m["sub"] = TemplateFunction.Of(Any, Any, (a, b) => unchecked(Conv.ToInt64(a) - Conv.ToInt64(b)));
        m["div"] = TemplateFunction.Of(Any, Any, (a, b) => Divide(Conv.ToInt64(a), Conv.ToInt64(b), modulo: false));
        m["mod"] = TemplateFunction.Of(Any, Any, (a, b) => Divide(Conv.ToInt64(a), Conv.ToInt64(b), modulo: true));
        m["mul"] = new([Any], a => a.Skip(1).Aggregate(Conv.ToInt64(a[0]), (acc, x) => unchecked(acc * Conv.ToInt64(x))), Any);
        m["max"] = m["biggest"] = new([Any], a => a.Skip(1).Select(Conv.ToInt64).Aggregate(Conv.ToInt64(a[0]), Math.Max), Any);
        m["min"] = new([Any], a => a.Skip(1).Select(Conv.ToInt64).Aggregate(Conv.ToInt64(a[0]), Math.Min), Any);
        m["maxf"] = new([Any], a => a.Skip(1).Select(Conv.ToFloat64).Aggregate(Conv.ToFloat64(a[0]), Math.Max), Any);
        m["minf"] = new([Any], a => a.Skip(1).Select(Conv.ToFloat64).Aggregate(Conv.ToFloat64(a[0]), Math.Min), Any);
        m["add1f"] = TemplateFunction.Of(Any, a => DecimalOp(a, [1], (x, y) => x + y, (x, y) => x + y));
        m["addf"] = TemplateFunction.Variadics(Any, a => DecimalOp(0.0, a, (x, y) => x + y, (x, y) => x + y));
        m["subf"] = new([Any], a => DecimalOp(a[0], a[1..], (x, y) => x - y, (x, y) => x - y), Any);
        m["mulf"] = new([Any], a => DecimalOp(a[0], a[1..], (x, y) => x * y, (x, y) => x * y), Any);
        m["divf"] = new([Any], a => DecimalOp(a[0], a[1..], DivideDecimal, (x, y) => x / y), Any);
        m["floor"] = TemplateFunction.Of(Any, a => Math.Floor(Conv.ToFloat64(a)));
        m["ceil"] = TemplateFunction.Of(Any, a => Math.Ceiling(Conv.ToFloat64(a)));
        m["round"] = new([Any, Int], a => Round(a[0], (int)a[1]!, a.Length > 2 ? Conv.ToFloat64(a[2]) : 0.5), Float);
        m["randInt"] = TemplateFunction.Of(Int, Int, (lo, hi) => Random.Shared.Next((int)lo!, (int)hi!));
        m["until"] = TemplateFunction.Of(Int, n => UntilStep(0, (int)n!, (int)n! < 0 ? -1 : 1));
        m["untilStep"] = TemplateFunction.Of(Int, Int, Int, (a, b, c) => UntilStep((int)a!, (int)b!, (int)c!));
        m["seq"] = TemplateFunction.Variadics(Int, a => Seq(a.Select(x => (int)x!).ToArray()));
    }

    private static long Divide(long a, long b, bool modulo)
    {
        if (b == 0) throw new TemplateFunctionException("runtime error: integer divide by zero");
        if (a == long.MinValue && b == -1) return modulo ? 0 : a;
        return modulo ? a % b : a / b;
    }

    private static decimal DivideDecimal(decimal a, decimal b)
    {
        if (b == 0) throw new TemplateFunctionException("decimal division by 0");
        // shopspring/decimal divides to 16 decimal places.
        return Math.Round(a / b, 16, MidpointRounding.AwayFromZero);
    }

    private static decimal ToDecimal(object? v)
    {
        double d = Conv.ToFloat64(v);
        string shortest = d.ToString("R", CultureInfo.InvariantCulture);
        if (decimal.TryParse(shortest, NumberStyles.Float, CultureInfo.InvariantCulture, out var m)) return m;
        throw new OverflowException();
    }

    private static double DecimalOp(object? first, object?[] rest, Func<decimal, decimal, decimal> op, Func<double, double, double> fallback)
    {
        try
        {
            decimal acc = ToDecimal(first);
            foreach (var x in rest) acc = op(acc, ToDecimal(x));
            return (double)acc;
        }
        catch (OverflowException)
        {
            // Outside decimal's range, binary floating point is the best available answer.
            double acc = Conv.ToFloat64(first);
            foreach (var x in rest) acc = fallback(acc, Conv.ToFloat64(x));
            return acc;
        }
    }

    private static double Round(object? a, int places, double roundOn)
    {
        double val = Conv.ToFloat64(a);
        double pow = Math.Pow(10, places);
        double digit = pow * val;
        double frac = digit - Math.Truncate(digit);
        double r = frac >= roundOn ? Math.Ceiling(digit) : Math.Floor(digit);
        return r / pow;
    }

    public static int[] UntilStep(int start, int stop, int step)
    {
        var v = new List<int>();
        if (stop < start)
        {
            if (step >= 0) return [];
            for (long i = start; i > stop; i += step) v.Add((int)i);
            return [.. v];
        }
        if (step <= 0) return [];
        for (long i = start; i < stop; i += step) v.Add((int)i);
        return [.. v];
    }

    private static string Seq(int[] p)
    {
        int[] values;
        switch (p.Length)
        {
            case 1:
            {
                int start = 1, end = p[0], inc = end < start ? -1 : 1;
                values = UntilStep(start, end + inc, inc);
                break;
            }
            case 2:
            {
                int start = p[0], end = p[1], step = end < start ? -1 : 1;
                values = UntilStep(start, end + step, step);
                break;
            }
            case 3:
            {
                int start = p[0], end = p[2], step = p[1], inc = 1;
                if (end < start)
                {
                    inc = -1;
                    if (step > 0) return "";
                }
                values = UntilStep(start, end + inc, step);
                break;
            }
            default:
                return "";
        }
        return string.Join(" ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
    }
}
