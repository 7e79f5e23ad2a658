using System.Text;

namespace Jsonnet;

/// <summary>std.manifest* functions other than plain JSON.</summary>
internal static partial class StdLib
{
    private static void RegisterManifest()
    {
        Add("manifestJsonEx", new[] { "value", "indent", "newline", "key_val_sep" }, (ctx, a, site) =>
            S(Manifester.ManifestJsonEx(ctx, a[0].Force(), Str(a[1], "manifestJsonEx", "indent", site), Str(a[2], "manifestJsonEx", "newline", site), Str(a[3], "manifestJsonEx", "key_val_sep", site))),
            S("\n"), S(": "));
        Add("manifestJson", new[] { "value" }, (ctx, a, site) => S(Manifester.ManifestJsonEx(ctx, a[0].Force(), "    ", "\n", ": ")));
        Add("manifestJsonMinified", new[] { "value" }, (ctx, a, site) => S(Manifester.ManifestJsonEx(ctx, a[0].Force(), "", "", ":")));
        Add("manifestYamlDoc", new[] { "value", "indent_array_in_object", "quote_keys" }, (ctx, a, site) =>
            S(new YamlWriter(ctx, Bool(a[1], "manifestYamlDoc", "indent_array_in_object", site), Bool(a[2], "manifestYamlDoc", "quote_keys", site), site).Write(a[0].Force(), "")),
            JBool.False, JBool.True);
        Add("manifestYamlStream", new[] { "value", "indent_array_in_object", "c_document_end", "quote_keys" }, (ctx, a, site) =>
        {
            if (a[0].Force() is not JArray arr) throw JsonnetException.Runtime($"manifestYamlStream only takes arrays, got {a[0].Force().TypeName}", site);
            var writer = new YamlWriter(ctx, Bool(a[1], "manifestYamlStream", "indent_array_in_object", site), Bool(a[3], "manifestYamlStream", "quote_keys", site), site);
            var docs = arr.Items.Select(t => writer.Write(t.Force(), ""));
            bool end = Bool(a[2], "manifestYamlStream", "c_document_end", site);
            return S("---\n" + string.Join("\n---\n", docs) + (end ? "\n...\n" : "\n"));
        }, JBool.False, JBool.True, JBool.True);
        Add("manifestIni", new[] { "ini" }, (ctx, a, site) => S(ManifestIni(ctx, Obj(a[0], "manifestIni", "ini", site), site)));
        Add("manifestPython", new[] { "v" }, (ctx, a, site) => S(ManifestPython(ctx, a[0].Force(), site)));
        Add("manifestPythonVars", new[] { "conf" }, (ctx, a, site) =>
        {
            var o = Obj(a[0], "manifestPythonVars", "conf", site);
            var sb = new StringBuilder();
            foreach (var k in o.VisibleFields()) sb.Append(k).Append(" = ").Append(ManifestPython(ctx, o.GetField(ctx, k, site), site)).Append('\n');
            return S(sb.ToString());
        });
        Add("manifestXmlJsonml", new[] { "value" }, (ctx, a, site) =>
        {
            var v = a[0].Force();
            if (v is not JArray) throw JsonnetException.Runtime($"Expected a JSONML value (an array), got {v.TypeName}", site);
            var sb = new StringBuilder();
            Jsonml(ctx, v, sb, site);
            return S(sb.ToString());
        });
        Add("manifestTomlEx", new[] { "value", "indent" }, (ctx, a, site) => S(new TomlWriter(ctx, Str(a[1], "manifestTomlEx", "indent", site), site).Write(a[0].Force())));
        Add("manifestToml", new[] { "value" }, (ctx, a, site) => S(new TomlWriter(ctx, "  ", site).Write(a[0].Force())));
    }

    private static string ManifestIni(EvalContext ctx, JObject ini, SourceSpan? site)
    {
        var lines = new List<string>();
        void Body(JObject body)
        {
            foreach (var k in body.VisibleFields())
            {
                var v = body.GetField(ctx, k, site);
                if (v is JArray arr)
                {
                    foreach (var item in arr.Items) lines.Add($"{k} = {TextOf(ctx, item)}");
                }
                else
                {
                    lines.Add($"{k} = {TextOf(ctx, v)}");
                }
            }
        }
        if (ini.IsVisible("main")) Body(Obj(ini.GetField(ctx, "main", site), "manifestIni", "main", site));
        if (ini.HasField("sections"))
        {
            var sections = Obj(ini.GetField(ctx, "sections", site), "manifestIni", "sections", site);
            foreach (var name in sections.VisibleFields())
            {
                lines.Add($"[{name}]");
                Body(Obj(sections.GetField(ctx, name, site), "manifestIni", "section", site));
            }
        }
        lines.Add("");
        return string.Join("\n", lines);
    }

    private static string ManifestPython(EvalContext ctx, Value v, SourceSpan? site)
    {
        using var scope = ctx.Nest(site);
        switch (v)
        {
            case JObject o:
                return "{" + string.Join(", ", o.VisibleFields().Select(k => Manifester.EscapeJson(k) + ": " + ManifestPython(ctx, o.GetField(ctx, k, site), site))) + "}";
            case JArray arr:
                return "[" + string.Join(", ", arr.Items.Select(t => ManifestPython(ctx, t.Force(), site))) + "]";
            case JString s:
                return Manifester.EscapeJson(s.Value);
            case JFunction:
                throw JsonnetException.Runtime("cannot manifest function", site);
            case JNumber n:
                return Manifester.FormatNumber(n.Value);
            case JBool b:
                return b.Value ? "True" : "False";
            default:
                return "None";
        }
    }

    private static void Jsonml(EvalContext ctx, Value v, StringBuilder sb, SourceSpan? site)
    {
        using var scope = ctx.Nest(site);
        if (v is JString s)
        {
            sb.Append(s.Value);
            return;
        }
        if (v is not JArray arr || arr.Length == 0) throw JsonnetException.Runtime($"Expected a JSONML value (an array), got {v.TypeName}", site);
        var tag = TextOf(ctx, arr.Items[0]);
        bool hasAttrs = arr.Length > 1 && arr.Items[1].Force() is JObject;
        sb.Append('<').Append(tag);
        if (hasAttrs)
        {
            var attrs = (JObject)arr.Items[1].Force();
            foreach (var k in attrs.VisibleFields()) sb.Append(' ').Append(k).Append("=\"").Append(TextOf(ctx, attrs.GetField(ctx, k, site))).Append('"');
        }
        sb.Append('>');
        for (int i = hasAttrs ? 2 : 1; i < arr.Length; i++) Jsonml(ctx, arr.Items[i].Force(), sb, site);
        sb.Append("</").Append(tag).Append('>');
    }

    private sealed class YamlWriter(EvalContext ctx, bool indentArrayInObject, bool quoteKeys, SourceSpan? site)
    {
        private static readonly HashSet<string> Reserved = new()
        {
            "true", "false", "yes", "no", "on", "off", "y", "n", ".nan", "-.inf", "+.inf", ".inf", "null", "-", "---", "",
        };

        public string Write(Value v, string indent)
        {
            ctx.Enter(site);
            try
            {
                return WriteInner(v, indent);
            }
            finally
            {
                ctx.Depth--;
            }
        }

        private string WriteInner(Value v, string cindent)
        {
            switch (v)
            {
                case JBool b: return b.Value ? "true" : "false";
                case JNull: return "null";
                case JNumber n: return Manifester.FormatNumber(n.Value);
                case JString s:
                {
                    var str = s.Value;
                    if (str.Length == 0) return "\"\"";
                    if (str.EndsWith('\n'))
                    {
                        var parts = str.Split('\n');
                        return string.Join("\n" + cindent + "  ", new[] { "|" }.Concat(parts.Take(parts.Length - 1)));
                    }
                    return Manifester.EscapeJson(str);
                }
                case JFunction: throw JsonnetException.Runtime("Tried to manifest function", site);
                case JArray arr:
                {
                    if (arr.Length == 0) return "[]";
                    var parts = new List<string>();
                    foreach (var t in arr.Items)
                    {
                        var item = t.Force();
                        string newIndent, space;
                        if (item is JArray ia && ia.Length > 0)
                        {
                            newIndent = cindent + "  ";
                            space = "\n" + newIndent;
                        }
                        else if (item is JObject io && io.VisibleCount > 0)
                        {
                            newIndent = cindent + "  ";
                            space = " ";
                        }
                        else
                        {
                            newIndent = cindent;
                            space = " ";
                        }
                        parts.Add("-" + space + Write(item, newIndent));
                    }
                    return string.Join("\n" + cindent, parts);
                }
                case JObject o:
                {
                    o.CheckAsserts(ctx);
                    var fields = o.VisibleFields();
                    if (fields.Length == 0) return "{}";
                    var lines = new List<string>();
                    foreach (var k in fields)
                    {
                        var item = o.GetField(ctx, k, site);
                        string newIndent, space;
                        if (item is JArray ia && ia.Length > 0)
                        {
                            newIndent = indentArrayInObject ? cindent + "  " : cindent;
                            space = "\n" + newIndent;
                        }
                        else if (item is JObject io && io.VisibleCount > 0)
                        {
                            newIndent = cindent + "  ";
                            space = "\n" + newIndent;
                        }
                        else
                        {
                            newIndent = cindent;
                            space = " ";
                        }
                        string key = quoteKeys || !BareSafe(k) ? Manifester.EscapeJson(k) : k;
                        lines.Add(key + ":" + space + Write(item, newIndent));
                    }
                    return string.Join("\n" + cindent, lines);
                }
            }
            throw JsonnetException.Runtime("unknown value", site);
        }

        private static bool Only(string key, string chars) => key.All(c => chars.Contains(c));

        private static int Count(string key, char c) => key.Count(x => x == c);

        private static bool BareSafe(string key)
        {
            const string digits = "0123456789";
            const string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
            if (Reserved.Contains(AsciiLower(key))) return false;
            if (Only(key, digits + "-") && Count(key, '-') == 2) return false;
            if (Only(key, digits + "_-") && Count(key, '-') < 2) return false;
            bool TypeMatch(char type, string chars) =>
                (key.StartsWith("0" + type, StringComparison.Ordinal) || key.StartsWith("-0" + type, StringComparison.Ordinal)) && Only(key, chars);
            if (TypeMatch('b', digits + "_-bB") || TypeMatch('o', digits + "_-oO") || TypeMatch('x', digits + "_-abcdefABCDEFxX")) return false;
            if (Only(key, digits + "eE_-.") && Count(key, '.') == 1 && Count(key, '-') <= 2 && Count(key, 'e') <= 1) return false;
            return Only(key, letters + digits + "_-/.");
        }
    }

    private sealed class TomlWriter(EvalContext ctx, string indent, SourceSpan? site)
    {
        public string Write(Value v)
        {
            if (v is not JObject o) throw JsonnetException.Runtime($"TOML body must be an object. Got {v.TypeName}", site);
            return TableInternal(o, new List<string>(), "");
        }

        private static string Key(string k)
        {
            const string bare = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
            return k.Length > 0 && k.All(c => bare.Contains(c)) ? k : Manifester.EscapeJson(k);
        }

        private static bool IsTableArray(Value v) => v is JArray a && a.Length > 0 && a.Items.All(t => t.Force() is JObject);

        private static bool IsSection(Value v) => v is JObject || IsTableArray(v);

        private string RenderValue(Value v, string path, bool inline, string cindent)
        {
            using var scope = ctx.Nest(site);
            switch (v)
            {
                case JBool b: return b.Value ? "true" : "false";
                case JNull: throw JsonnetException.Runtime($"Tried to manifest \"null\" at {path}", site);
                case JNumber n: return Manifester.FormatNumber(n.Value);
                case JString s: return Manifester.EscapeJson(s.Value);
                case JFunction: throw JsonnetException.Runtime($"Tried to manifest function at {path}", site);
                case JArray arr:
                {
                    if (arr.Length == 0) return "[]";
                    string newIndent = inline ? "" : cindent + indent;
                    string sep = inline ? " " : "\n";
                    var sb = new StringBuilder("[" + sep);
                    for (int i = 0; i < arr.Length; i++)
                    {
                        if (i > 0) sb.Append(',').Append(sep);
                        sb.Append(newIndent).Append(RenderValue(arr.Items[i].Force(), path + $"[{i}]", true, ""));
                    }
                    sb.Append(sep).Append(inline ? "" : cindent).Append(']');
                    return sb.ToString();
                }
                case JObject o:
                    return "{ " + string.Join(", ", o.VisibleFields().Select(k => Key(k) + " = " + RenderValue(o.GetField(ctx, k, site), path + "." + k, true, ""))) + " }";
            }
            throw JsonnetException.Runtime("unknown value", site);
        }

        private string TableInternal(JObject v, List<string> path, string cindent)
        {
            using var scope = ctx.Nest(site);
            var kvp = new List<string>();
            var sections = new List<string>();
            foreach (var k in v.VisibleFields())
            {
                var value = v.GetField(ctx, k, site);
                if (!IsSection(value)) kvp.Add(cindent + Key(k) + " = " + RenderValue(value, k, false, cindent));
            }
            sections.Add(string.Join("\n", kvp));
            foreach (var k in v.VisibleFields())
            {
                var value = v.GetField(ctx, k, site);
                if (!IsSection(value)) continue;
                var sub = new List<string>(path) { k };
                sections.Add(value is JObject o ? Table(o, sub, cindent) : TableArray((JArray)value, sub, cindent));
            }
            return string.Join("\n\n", sections);
        }

        private string Table(JObject v, List<string> path, string cindent) =>
            cindent + "[" + string.Join(".", path.Select(Key)) + "]" + (v.VisibleCount == 0 ? "" : "\n") + TableInternal(v, path, cindent + indent);

        private string TableArray(JArray v, List<string> path, string cindent) =>
            string.Join("\n\n", v.Items.Select(t =>
            {
                var o = (JObject)t.Force();
                return cindent + "[[" + string.Join(".", path.Select(Key)) + "]]" + (o.VisibleCount == 0 ? "" : "\n") + TableInternal(o, path, cindent + indent);
            }));
    }
}
