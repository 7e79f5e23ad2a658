using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace IdentityServer.Config;

/// <summary>
/// Reads YAML into a JSON tree, remembering the line and column of every key.
/// Plain scalars are typed by the YAML 1.2 core schema (the rules Go's YAML reader follows),
/// so <c>port: 4433</c> is a number and <c>port: "4433"</c> a string.
/// </summary>
internal sealed partial class YamlTreeReader
{
    private readonly string _file;
    private readonly Parser _parser;
    private readonly SourceMap _locations = new();
    private readonly List<ConfigProblem> _problems = [];
    private readonly Dictionary<string, JsonNode?> _anchors = new(StringComparer.Ordinal);

    private YamlTreeReader(string text, string file)
    {
        _file = file;
        _parser = new Parser(new StringReader(text));
    }

    public static ParsedConfigFile Read(string text, string file)
    {
        var reader = new YamlTreeReader(text, file);
        try
        {
            var root = reader.ReadDocument();
            return new ParsedConfigFile { File = file, Root = root, Locations = reader._locations, Problems = reader._problems };
        }
        catch (YamlException error)
        {
            var message = CleanMessage(error.Message);
            var (line, column) = ((int)error.Start.Line, (int)error.Start.Column);
            // The parser reports a tab at the start of the enclosing mapping; point at the tab itself.
            if (message.Contains("tab", StringComparison.Ordinal) && FirstIndentingTab(text) is { } tab) (line, column) = tab;
            var problem = new ConfigProblem
            {
                File = file,
                Line = line,
                Column = column,
                Message = "invalid YAML: " + message,
                Hint = SyntaxHint(text, line, message),
            };
            return ParsedConfigFile.Failed(file, problem);
        }
    }

    private static (int Line, int Column)? FirstIndentingTab(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0) return (i + 1, tab + 1);
        }
        return null;
    }

    private static string? SyntaxHint(string text, int line, string message)
    {
        var lines = text.Split('\n');
        var around = lines.Skip(Math.Max(0, line - 2)).Take(2);
        if (around.Any(l => l.TrimStart(' ').StartsWith('\t'))) return "indent with spaces; YAML does not allow tabs for indentation";
        if (message.Contains("quoted scalar", StringComparison.Ordinal)) return "a quoted value is not closed";
        if (message.Contains("mapping", StringComparison.Ordinal) || message.Contains("indent", StringComparison.Ordinal))
        {
            return "check the indentation: keys at the same level must line up, and every key needs a colon";
        }
        return null;
    }

    private JsonObject? ReadDocument()
    {
        _parser.Consume<StreamStart>();
        if (_parser.Accept<StreamEnd>(out _))
        {
            _locations.Set("", new SourceLocation(_file, 1, 1));
            return new JsonObject();
        }

        _parser.Consume<DocumentStart>();
        var start = _parser.Current!.Start;
        _locations.Set("", Location(start));
        var root = ReadNode("");
        _parser.Consume<DocumentEnd>();

        if (root is null) return new JsonObject();
        if (root is JsonObject obj) return obj;
        _problems.Add(new ConfigProblem
        {
            File = _file,
            Line = (int)start.Line,
            Column = (int)start.Column,
            Message = "the file must hold keys and values at the top level (such as dsn: memory), but it holds " + JsonDescriptions.Describe(root),
        });
        return null;
    }

    private JsonNode? ReadNode(string path)
    {
        var current = _parser.Current ?? throw new InvalidOperationException("unexpected end of YAML events");
        switch (current)
        {
            case Scalar scalar:
                _parser.MoveNext();
                return Remember(scalar.Anchor, ToValue(scalar));
            case AnchorAlias alias:
                _parser.MoveNext();
                if (_anchors.TryGetValue(alias.Value.Value, out var target)) return target?.DeepClone();
                throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");
            case SequenceStart sequence:
                _parser.MoveNext();
                return Remember(sequence.Anchor, ReadSequence(path));
            case MappingStart mapping:
                _parser.MoveNext();
                return Remember(mapping.Anchor, ReadMapping(path));
            default:
                throw new YamlException(current.Start, current.End, "unexpected " + current.GetType().Name);
        }
    }

    private JsonArray ReadSequence(string path)
    {
        var array = new JsonArray();
        while (!_parser.TryConsume<SequenceEnd>(out _))
        {
            var itemPath = KeyPath.Item(path, array.Count);
            _locations.Set(itemPath, Location(_parser.Current!.Start));
            array.Add(ReadNode(itemPath));
        }
        return array;
    }

    private JsonObject ReadMapping(string path)
    {
        var obj = new JsonObject();
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            if (_parser.Current is not Scalar keyScalar)
            {
                var bad = _parser.Current!;
                throw new YamlException(bad.Start, bad.End, "keys must be plain text, not lists or mappings");
            }
            _parser.MoveNext();
            var key = keyScalar.Value;

            if (key == "<<" && keyScalar.Style == ScalarStyle.Plain)
            {
                MergeInto(obj, ReadNode(path));
                continue;
            }

            var childPath = KeyPath.Child(path, key);
            if (obj.ContainsKey(key))
            {
                _problems.Add(new ConfigProblem
                {
                    File = _file,
                    Line = (int)keyScalar.Start.Line,
                    Column = (int)keyScalar.Start.Column,
                    KeyPath = childPath,
                    Message = $"key \"{key}\" appears twice in the same mapping",
                    Hint = "remove one of them",
                });
            }
            _locations.Set(childPath, Location(keyScalar.Start));
            obj[key] = ReadNode(childPath);
        }
        return obj;
    }

    // YAML merge keys ("<<: *defaults") copy entries that the mapping does not set itself.
    private static void MergeInto(JsonObject target, JsonNode? source)
    {
        var sources = source switch
        {
            JsonObject single => [single],
            JsonArray many => many.OfType<JsonObject>().ToList(),
            _ => new List<JsonObject>(),
        };
        foreach (var item in sources)
        {
            foreach (var (key, value) in item)
            {
                if (!target.ContainsKey(key)) target[key] = value?.DeepClone();
            }
        }
    }

    private JsonNode? Remember(AnchorName anchor, JsonNode? node)
    {
        if (!anchor.IsEmpty) _anchors[anchor.Value] = node?.DeepClone();
        return node;
    }

    private SourceLocation Location(Mark mark) => new(_file, (int)mark.Line, (int)mark.Column);

    private static JsonNode? ToValue(Scalar scalar)
    {
        var text = scalar.Value;
        var tag = scalar.Tag.IsEmpty ? "" : scalar.Tag.Value;
        if (tag is "tag:yaml.org,2002:str" or "!!str") return JsonValue.Create(text);
        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(text);

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (DecimalInteger().IsMatch(text))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) return JsonValue.Create(whole);
            return JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture));
        }
        if (text.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }
        if (OctalInteger().IsMatch(text)) return JsonValue.Create(Convert.ToInt64(text[2..], 8));
        if (FloatNumber().IsMatch(text)) return JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture));
        return JsonValue.Create(text);
    }

    private static string CleanMessage(string message) => PositionPrefix().Replace(message, "").Trim().TrimEnd('.');

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^0o[0-7]+$")]
    private static partial Regex OctalInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatNumber();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();
}
