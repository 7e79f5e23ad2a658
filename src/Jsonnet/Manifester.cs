using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Jsonnet;

/// <summary>Turns values into JSON text the way the reference implementation prints it.</summary>
internal static class Manifester
{
    public static string FormatNumber(double v)
    {
        if (v == Math.Floor(v))
        {
            if (v == 0) return double.IsNegative(v) ? "-0" : "0";
            if (Math.Abs(v) < 1e15) return ((long)v).ToString(CultureInfo.InvariantCulture);
            return v.ToString("F0", CultureInfo.InvariantCulture);
        }
        return FormatG17(v);
    }

    /// <summary>Same text as C's printf("%.17g").</summary>
    private static string FormatG17(double v)
    {
        string e = v.ToString("E16", CultureInfo.InvariantCulture); // d.ddddddddddddddddE+xxx
        bool negative = e[0] == '-';
        if (negative) e = e[1..];
        int ePos = e.IndexOf('E');
        string digits = e[0] + e[2..ePos];
        int exp = int.Parse(e[(ePos + 1)..], CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        if (negative) sb.Append('-');
        if (exp < -4 || exp >= 17)
        {
            string mant = digits.TrimEnd('0');
            sb.Append(mant[0]);
            if (mant.Length > 1) sb.Append('.').Append(mant, 1, mant.Length - 1);
            sb.Append('e').Append(exp < 0 ? '-' : '+');
            int a = Math.Abs(exp);
            if (a < 10) sb.Append('0');
            sb.Append(a);
            return sb.ToString();
        }
        string intPart, frac;
        if (exp >= 0)
        {
            intPart = digits[..(exp + 1)];
            frac = digits[(exp + 1)..];
        }
        else
        {
            intPart = "0";
            frac = new string('0', -exp - 1) + digits;
        }
        frac = frac.TrimEnd('0');
        sb.Append(intPart);
        if (frac.Length > 0) sb.Append('.').Append(frac);
        return sb.ToString();
    }

    public static void EscapeJson(StringBuilder sb, string s)
    {
        sb.Append('"');
        int start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            string? esc = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => null,
            };
            if (esc == null && (c < 0x20 || (c >= 0x7f && c <= 0x9f))) esc = "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture);
            if (esc == null) continue;
            sb.Append(s, start, i - start).Append(esc);
            start = i + 1;
        }
        sb.Append(s, start, s.Length - start).Append('"');
    }

    public static string EscapeJson(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        EscapeJson(sb, s);
        return sb.ToString();
    }

    /// <summary>The text std.toString gives and "+" uses for non-strings.</summary>
    public static string ToText(EvalContext ctx, Value v)
    {
        if (v is JString s) return s.Value;
        var sb = new StringBuilder();
        new CompactWriter(ctx, sb, int.MaxValue).Write(v);
        return sb.ToString();
    }

    public static string ManifestTopLevel(EvalContext ctx, Value v, int maxLength)
    {
        var sb = new StringBuilder();
        try
        {
            new PrettyWriter(ctx, sb, maxLength).Write(v, "");
        }
        catch (JsonnetException e)
        {
            e.AddFrame(null, "During manifestation");
            throw;
        }
        return sb.ToString();
    }

    /// <summary>std.manifestJsonEx.</summary>
    public static string ManifestJsonEx(EvalContext ctx, Value v, string indent, string newline, string keyValSep)
    {
        var sb = new StringBuilder();
        new ExWriter(ctx, sb, indent, newline, keyValSep).Write(v, "");
        return sb.ToString();
    }

    public static JsonNode? ToNode(EvalContext ctx, Value v)
    {
        ctx.Enter(null);
        try
        {
            switch (v)
            {
                case JNull: return null;
                case JBool b: return JsonValue.Create(b.Value);
                case JNumber n:
                    double d = n.Value;
                    if (d == Math.Floor(d) && Math.Abs(d) < 9.2e18) return JsonValue.Create((long)d);
                    return JsonValue.Create(d);
                case JString s: return JsonValue.Create(s.Value);
                case JArray a:
                {
                    var arr = new JsonArray();
                    foreach (var item in a.Items) arr.Add(ToNode(ctx, item.Force()));
                    return arr;
                }
                case JObject o:
                {
                    o.CheckAsserts(ctx);
                    var obj = new JsonObject();
                    foreach (var f in o.VisibleFields()) obj[f] = ToNode(ctx, o.GetField(ctx, f, null));
                    return obj;
                }
                default:
                    throw JsonnetException.Runtime("couldn't manifest function as JSON");
            }
        }
        finally
        {
            ctx.Depth--;
        }
    }

    private abstract class WriterBase(EvalContext ctx, StringBuilder sb, int maxLength)
    {
        protected readonly StringBuilder Sb = sb;

        protected void Check()
        {
            if (Sb.Length > maxLength) throw JsonnetException.Runtime($"output is larger than the limit of {maxLength} characters");
        }

        protected bool WriteScalar(Value v)
        {
            switch (v)
            {
                case JNull: Sb.Append("null"); return true;
                case JBool b: Sb.Append(b.Value ? "true" : "false"); return true;
                case JNumber n: Sb.Append(FormatNumber(n.Value)); return true;
                case JString s: EscapeJson(Sb, s.Value); return true;
                case JFunction: throw JsonnetException.Runtime("couldn't manifest function as JSON");
            }
            return false;
        }

        protected void Enter()
        {
            ctx.Enter(null);
        }

        protected void Leave()
        {
            ctx.Depth--;
        }

        protected Value Field(JObject o, string name) => o.GetField(ctx, name, null);

        protected void Asserts(JObject o) => o.CheckAsserts(ctx);
    }

    private sealed class PrettyWriter(EvalContext ctx, StringBuilder sb, int maxLength) : WriterBase(ctx, sb, maxLength)
    {
        public void Write(Value v, string indent)
        {
            if (WriteScalar(v)) return;
            Enter();
            try
            {
                string inner = indent + "   ";
                if (v is JArray a)
                {
                    if (a.Length == 0)
                    {
                        Sb.Append("[ ]");
                        return;
                    }
                    Sb.Append("[\n");
                    for (int i = 0; i < a.Length; i++)
                    {
                        if (i > 0) Sb.Append(",\n");
                        Sb.Append(inner);
                        Write(a.Items[i].Force(), inner);
                    }
                    Sb.Append('\n').Append(indent).Append(']');
                }
                else if (v is JObject o)
                {
                    Asserts(o);
                    var fields = o.VisibleFields();
                    if (fields.Length == 0)
                    {
                        Sb.Append("{ }");
                        return;
                    }
                    Sb.Append("{\n");
                    for (int i = 0; i < fields.Length; i++)
                    {
                        if (i > 0) Sb.Append(",\n");
                        Sb.Append(inner);
                        EscapeJson(Sb, fields[i]);
                        Sb.Append(": ");
                        Write(Field(o, fields[i]), inner);
                    }
                    Sb.Append('\n').Append(indent).Append('}');
                }
                Check();
            }
            finally
            {
                Leave();
            }
        }
    }

    private sealed class CompactWriter(EvalContext ctx, StringBuilder sb, int maxLength) : WriterBase(ctx, sb, maxLength)
    {
        public void Write(Value v)
        {
            if (WriteScalar(v)) return;
            Enter();
            try
            {
                if (v is JArray a)
                {
                    if (a.Length == 0)
                    {
                        Sb.Append("[ ]");
                        return;
                    }
                    Sb.Append('[');
                    for (int i = 0; i < a.Length; i++)
                    {
                        if (i > 0) Sb.Append(", ");
                        Write(a.Items[i].Force());
                    }
                    Sb.Append(']');
                }
                else if (v is JObject o)
                {
                    Asserts(o);
                    var fields = o.VisibleFields();
                    if (fields.Length == 0)
                    {
                        Sb.Append("{ }");
                        return;
                    }
                    Sb.Append('{');
                    for (int i = 0; i < fields.Length; i++)
                    {
                        if (i > 0) Sb.Append(", ");
                        EscapeJson(Sb, fields[i]);
                        Sb.Append(": ");
                        Write(Field(o, fields[i]));
                    }
                    Sb.Append('}');
                }
                Check();
            }
            finally
            {
                Leave();
            }
        }
    }

    private sealed class ExWriter(EvalContext ctx, StringBuilder sb, string indentUnit, string newline, string keyValSep)
        : WriterBase(ctx, sb, int.MaxValue)
    {
        public void Write(Value v, string indent)
        {
            if (WriteScalar(v)) return;
            Enter();
            try
            {
                string inner = indent + indentUnit;
                if (v is JArray a)
                {
                    Sb.Append('[').Append(newline);
                    for (int i = 0; i < a.Length; i++)
                    {
                        if (i > 0) Sb.Append(',').Append(newline);
                        Sb.Append(inner);
                        Write(a.Items[i].Force(), inner);
                    }
                    Sb.Append(newline).Append(indent).Append(']');
                }
                else if (v is JObject o)
                {
                    Asserts(o);
                    var fields = o.VisibleFields();
                    Sb.Append('{').Append(newline);
                    for (int i = 0; i < fields.Length; i++)
                    {
                        if (i > 0) Sb.Append(',').Append(newline);
                        Sb.Append(inner);
                        EscapeJson(Sb, fields[i]);
                        Sb.Append(keyValSep);
                        Write(Field(o, fields[i]), inner);
                    }
                    Sb.Append(newline).Append(indent).Append('}');
                }
            }
            finally
            {
                Leave();
            }
        }
    }
}
