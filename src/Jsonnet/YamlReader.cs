using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Jsonnet;

/// <summary>std.parseYaml: YAML documents to values; a stream of several documents gives an array.</summary>
internal static partial class YamlReader
{
    // The YAML library recurses once per nesting level, so deep input is refused before it can exhaust the stack.
    private const int MaxFlowDepth = 200;
    private const int MaxIndent = 400;

    public static Value Parse(string text, SourceSpan? site)
    {
        CheckNesting(text, site);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw JsonnetException.Runtime($"failed to parse YAML: {e.Message}", site);
        }
        var docs = stream.Documents.Select(d => Convert(d.RootNode)).ToList();
        if (docs.Count == 0) return JNull.Instance;
        if (docs.Count == 1) return docs[0];
        return new JArray(docs.Select(d => (Thunk)d).ToArray());
    }

    private static void CheckNesting(string text, SourceSpan? site)
    {
        int depth = 0, indent = 0;
        bool lineStart = true;
        char quote = '\0';
        foreach (char c in text)
        {
            if (c == '\n')
            {
                lineStart = true;
                indent = 0;
                continue;
            }
            if (lineStart && (c == ' ' || c == '-' || c == '\t'))
            {
                if (++indent > MaxIndent) throw JsonnetException.Runtime("failed to parse YAML: nesting too deep", site);
                continue;
            }
            lineStart = false;
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                continue;
            }
            if (c == '"' || c == '\'') quote = c;
            else if (c == '[' || c == '{')
            {
                if (++depth > MaxFlowDepth) throw JsonnetException.Runtime("failed to parse YAML: nesting too deep", site);
            }
            else if ((c == ']' || c == '}') && depth > 0) depth--;
        }
    }

    private static Value Convert(YamlNode node)
    {
        switch (node)
        {
            case YamlSequenceNode seq:
                return new JArray(seq.Children.Select(c => (Thunk)Convert(c)).ToArray());
            case YamlMappingNode map:
            {
                var dict = new Dictionary<string, FieldDef>();
                foreach (var (k, v) in map.Children)
                {
                    var key = k is YamlScalarNode ks ? ks.Value ?? "null" : k.ToString();
                    dict[key] = FieldDef.Constant(key, Convert(v));
                }
                return new JObject(ObjectLayer.FromValues(dict));
            }
            case YamlScalarNode scalar:
                return Scalar(scalar);
        }
        return JNull.Instance;
    }

    private static Value Scalar(YamlScalarNode s)
    {
        var text = s.Value ?? "";
        if (s.Style != ScalarStyle.Plain) return new JString(text);
        if (!s.Tag.IsEmpty && !s.Tag.IsNonSpecific && s.Tag.Value == "tag:yaml.org,2002:str") return new JString(text);
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return JNull.Instance;
            case "true" or "True" or "TRUE": return JBool.True;
            case "false" or "False" or "FALSE": return JBool.False;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
            case "-.inf" or "-.Inf" or "-.INF":
            case ".nan" or ".NaN" or ".NAN":
                return new JString(text);
        }
        if (IntPattern().IsMatch(text) && double.IsFinite(double.Parse(text, CultureInfo.InvariantCulture))) return JNumber.Of(double.Parse(text, CultureInfo.InvariantCulture));
        if (text.Length <= 17 && HexPattern().IsMatch(text)) return JNumber.Of(System.Convert.ToInt64(text[2..], 16));
        if (text.Length <= 22 && OctPattern().IsMatch(text)) return JNumber.Of(System.Convert.ToInt64(text[2..], 8));
        if (FloatPattern().IsMatch(text))
        {
            double d = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (double.IsFinite(d)) return JNumber.Of(d);
        }
        return new JString(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^0x[0-9a-fA-F]+$")]
    private static partial Regex HexPattern();

    [GeneratedRegex(@"^0o[0-7]+$")]
    private static partial Regex OctPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
