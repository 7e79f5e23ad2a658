using System.Collections;
using System.Globalization;
using System.Text;

namespace GoTemplates;

/// <summary>Encodes values the way Go's encoding/json does (sorted map keys, Go float format, HTML-safe escapes).</summary>
public static class GoJson
{
    public static string Marshal(object? v, bool escapeHtml = true, string? indent = null)
    {
        var sb = new StringBuilder();
        Write(sb, v, escapeHtml, indent, 0);
        return sb.ToString();
    }

    private static void NewLine(StringBuilder sb, string indent, int depth)
    {
        sb.Append('\n');
        for (int i = 0; i < depth; i++) sb.Append(indent);
    }

    private static void Write(StringBuilder sb, object? v, bool html, string? indent, int depth)
    {
        switch (v)
        {
            case null or Missing:
                sb.Append("null");
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case string s:
                WriteString(sb, s, html);
                return;
            case double or float or decimal:
                sb.Append(FormatFloat(GoValues.ToDouble(v)));
                return;
            case byte[] bytes:
                sb.Append('"').Append(Convert.ToBase64String(bytes)).Append('"');
                return;
            case DateTimeOffset or DateTime:
                WriteString(sb, GoTime.Format(GoTime.ToOffset(v), "2006-01-02T15:04:05.999999999Z07:00"), html);
                return;
            case TimeSpan ts:
                sb.Append((ts.Ticks * 100).ToString(CultureInfo.InvariantCulture));
                return;
        }
        if (GoValues.IsInteger(v))
        {
            sb.Append(GoValues.KindOf(v) == GoKind.Uint
                ? GoValues.ToUInt64(v).ToString(CultureInfo.InvariantCulture)
                : GoValues.ToInt64(v).ToString(CultureInfo.InvariantCulture));
            return;
        }
        switch (v)
        {
            case IDictionary map:
            {
                if (map.Count == 0) { sb.Append("{}"); return; }
                sb.Append('{');
                bool first = true;
                foreach (var k in GoValues.SortedKeys(map))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    if (indent != null) NewLine(sb, indent, depth + 1);
                    WriteString(sb, GoFormat.ToText(k), html);
                    sb.Append(indent != null ? ": " : ":");
                    Write(sb, map[k], html, indent, depth + 1);
                }
                if (indent != null) NewLine(sb, indent, depth);
                sb.Append('}');
                return;
            }
            case IList list:
            {
                if (list.Count == 0) { sb.Append("[]"); return; }
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    if (indent != null) NewLine(sb, indent, depth + 1);
                    Write(sb, list[i], html, indent, depth + 1);
                }
                if (indent != null) NewLine(sb, indent, depth);
                sb.Append(']');
                return;
            }
            case Delegate:
                throw new TemplateFunctionException("json: unsupported type: " + GoValues.TypeName(v));
        }
        var props = GoValues.PropertiesOf(v.GetType());
        var dict = new Dictionary<string, object?>();
        foreach (var p in props) dict[p.Name] = p.GetValue(v);
        if (props.Length == 0)
        {
            WriteString(sb, v.ToString() ?? "", html);
            return;
        }
        // Go keeps struct field order; properties are written in declaration order.
        sb.Append('{');
        for (int i = 0; i < props.Length; i++)
        {
            if (i > 0) sb.Append(',');
            if (indent != null) NewLine(sb, indent, depth + 1);
            WriteString(sb, props[i].Name, html);
            sb.Append(indent != null ? ": " : ":");
            Write(sb, dict[props[i].Name], html, indent, depth + 1);
        }
        if (indent != null) NewLine(sb, indent, depth);
        sb.Append('}');
    }

    public static string FormatFloat(double f)
    {
        if (!double.IsFinite(f)) throw new TemplateFunctionException("json: unsupported value: " + FloatFormat.Format(f, 'g', -1));
        double abs = Math.Abs(f);
        bool exp = abs != 0 && (abs < 1e-6 || abs >= 1e21);
        string s = FloatFormat.Format(f, exp ? 'e' : 'f', -1);
        if (exp)
        {
            int n = s.Length;
            if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') s = s[..(n - 2)] + s[n - 1];
        }
        return s;
    }

    public static void WriteString(StringBuilder sb, string s, bool html)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<' or '>' or '&' when html:
                    sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                case '\u2028': sb.Append("\\u2028"); break;
                case '\u2029': sb.Append("\\u2029"); break;
                default:
                    if (c < 0x20) sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
