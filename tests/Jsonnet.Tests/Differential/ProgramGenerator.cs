using System.Globalization;
using System.Text;

namespace Jsonnet.Tests.Differential;

/// <summary>
/// Builds random Jsonnet programs from a seed, for comparing engines.
/// Hidden fields get names that comprehensions never produce: the packaged reference (0.18) makes
/// comprehension fields override hidden ones, while the current language (and its test suite) does not.
/// </summary>
internal sealed class ProgramGenerator(int seed)
{
    private readonly Random _random = new(seed);
    private int _names;

    private T Pick<T>(params T[] items) => items[_random.Next(items.Length)];

    private bool Chance(int percent) => _random.Next(100) < percent;

    public string Program()
    {
        var sb = new StringBuilder();
        sb.Append("local base = ").Append(Object(2)).Append(";\n");
        sb.Append("{\n");
        int fields = 3 + _random.Next(5);
        for (int i = 0; i < fields; i++)
        {
            sb.Append("  f").Append(i).Append(Pick(":", ":", ":", "::")).Append(' ').Append(Any(3)).Append(",\n");
        }
        sb.Append("  derived: base + ").Append(Object(1)).Append(",\n");
        sb.Append("}\n");
        return sb.ToString();
    }

    private string Any(int depth) => _random.Next(6) switch
    {
        0 => Number(depth),
        1 => Str(depth),
        2 => Array(depth),
        3 => Object(depth),
        4 => Bool(depth),
        _ => Pick("null", Number(depth), Str(depth)),
    };

    private string Name() => "v" + _names++;

    private string NumberLiteral() => _random.Next(6) switch
    {
        0 => _random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
        1 => (_random.NextDouble() * 100).ToString("0.###", CultureInfo.InvariantCulture),
        2 => Pick("0", "1", "2", "10", "0.5", "1e3", "2.5e-3", "1e21", "123456789012"),
        3 => _random.Next(0, 100000).ToString(CultureInfo.InvariantCulture),
        4 => (_random.Next(1, 1000) / 7.0).ToString("0.#####", CultureInfo.InvariantCulture),
        _ => _random.Next(0, 50).ToString(CultureInfo.InvariantCulture),
    };

    private string Number(int depth)
    {
        if (depth <= 0) return NumberLiteral();
        int d = depth - 1;
        return _random.Next(16) switch
        {
            0 => $"({Number(d)} + {Number(d)})",
            1 => $"({Number(d)} - {Number(d)})",
            2 => $"({Number(d)} * {Number(d)})",
            3 => $"({Number(d)} / {Pick("2", "3", "7", "0.25", "16")})",
            4 => $"std.length({Array(d)})",
            5 => $"std.length({Str(d)})",
            6 => $"std.floor({Number(d)})",
            7 => $"std.max({Number(d)}, {Number(d)})",
            8 => $"(std.abs({Number(d)}) + 0)",
            9 => $"(if {Bool(d)} then {Number(d)} else {Number(d)})",
            10 => $"({Number(d)} % {Pick("3", "7", "2.5")})",
            11 => $"local {Name()} = {Number(d)}; {Number(d)}",
            12 => $"std.foldl(function(acc, x) acc + x, {NumberArray(d)}, 0)",
            13 => $"std.pow({Pick("2", "3", "1.5")}, {_random.Next(0, 12)})",
            14 => $"std.sqrt({_random.Next(0, 10000)})",
            _ => NumberLiteral(),
        };
    }

    private string NumberArray(int depth) => depth <= 0
        ? "[" + string.Join(", ", Enumerable.Range(0, _random.Next(6)).Select(_ => NumberLiteral())) + "]"
        : Pick($"std.range({_random.Next(-5, 5)}, {_random.Next(0, 20)})",
            $"[x * {NumberLiteral()} for x in std.range(0, {_random.Next(0, 8)})]",
            $"std.map(function(x) x + 1, {NumberArray(depth - 1)})",
            $"std.sort({NumberArray(depth - 1)})",
            $"std.set({NumberArray(depth - 1)} + {NumberArray(depth - 1)})",
            $"std.filter(function(x) x > 2, {NumberArray(depth - 1)})",
            $"std.reverse({NumberArray(depth - 1)})",
            $"{NumberArray(depth - 1)}[{_random.Next(0, 3)}:{_random.Next(3, 8)}]",
            $"std.makeArray({_random.Next(0, 6)}, function(i) i * i)");

    private string StringLiteral()
    {
        var s = Pick("", "a", "hello", "Hello, World", "tab\\there", "new\\nline", "quote\\\"d", "uni\\u00e9\\u4e2d", "emoji \\ud83d\\ude00",
            "back\\\\slash", "ctrl\\u0001\\u001f", "del\\u007f", "percent %", "x", "key_1", "with space");
        return "\"" + s + "\"";
    }

    private string Str(int depth)
    {
        if (depth <= 0) return Chance(80) ? StringLiteral() : Pick("'single'", "@'verb\\atim'", "|||\n  block\n  text\n|||");
        int d = depth - 1;
        return _random.Next(15) switch
        {
            0 => $"({Str(d)} + {Str(d)})",
            1 => $"({Str(d)} + {Number(d)})",
            2 => $"std.toString({Any(d)})",
            3 => $"std.join({StringLiteral()}, [{Str(d)}, {Str(d)}])",
            4 => $"std.asciiUpper({Str(d)})",
            5 => $"std.format({Pick("\"%d items\"", "\"%5.2f|%-4s|\"", "\"%s-%s\"", "\"%x %o %e\"", "\"%010.3f\"", "\"%+d\"", "\"%g\"")}, {FormatArgs(d)})",
            6 => $"std.substr({Str(d)}, {_random.Next(0, 3)}, {_random.Next(0, 5)})",
            7 => $"std.strReplace({Str(d)}, \"l\", \"L\")",
            8 => $"std.manifestJsonEx({Any(d)}, \"  \")",
            9 => $"std.escapeStringJson({Str(d)})",
            10 => $"std.base64(std.md5({Str(d)}))",
            11 => $"std.md5({Str(d)})",
            12 => $"(if {Bool(d)} then {Str(d)} else {Str(d)})",
            13 => $"std.manifestYamlDoc({Any(d)})",
            _ => $"{Str(d)}[0:{_random.Next(0, 4)}]",
        };
    }

    private string FormatArgs(int depth) => Pick(
        $"[{Number(depth)}]",
        $"[{Number(depth)}, {Str(depth)}]",
        $"[{Str(depth)}, {Str(depth)}]",
        $"[{_random.Next(0, 300)}, {_random.Next(0, 300)}, {NumberLiteral()}]",
        $"[{NumberLiteral()}]");

    private string Bool(int depth)
    {
        if (depth <= 0) return Pick("true", "false");
        int d = depth - 1;
        return _random.Next(9) switch
        {
            0 => $"({Number(d)} < {Number(d)})",
            1 => $"({Str(d)} == {Str(d)})",
            2 => $"({Bool(d)} && {Bool(d)})",
            3 => $"({Bool(d)} || !{Bool(d)})",
            4 => $"std.objectHas({Object(d)}, \"a\")",
            5 => $"(\"b\" in {Object(d)})",
            6 => $"std.member({NumberArray(d)}, {_random.Next(0, 5)})",
            7 => $"({Array(d)} == {Array(d)})",
            _ => $"({Str(d)} < {Str(d)})",
        };
    }

    private string Array(int depth)
    {
        if (depth <= 0) return Pick("[]", "[1, 2, 3]", "[\"a\", null, true]", "[[1], [2, [3]]]");
        int d = depth - 1;
        return _random.Next(8) switch
        {
            0 => "[" + string.Join(", ", Enumerable.Range(0, _random.Next(5)).Select(_ => Any(d))) + "]",
            1 => NumberArray(d),
            2 => $"({Array(d)} + {Array(d)})",
            3 => $"[{{ k: x, v: {Any(d)} }} for x in std.range(0, {_random.Next(0, 4)})]",
            4 => $"std.objectFields({Object(d)})",
            5 => $"std.split({Str(d)}, \"l\")",
            6 => $"std.flattenArrays([{Array(d)}, {Array(d)}])",
            _ => $"std.uniq(std.sort({NumberArray(d)}))",
        };
    }

    private string Object(int depth)
    {
        if (depth <= 0) return Pick("{}", "{ a: 1 }", "{ a: 'x', hb:: 2 }", "{ b: [1, 2], c: { d: null } }");
        int d = depth - 1;
        switch (_random.Next(7))
        {
            case 0:
                return $"({Object(d)} + {Object(d)})";
            case 1:
                return $"{{ [\"k\" + i]: i * 2 for i in std.range(0, {_random.Next(0, 5)}) }}";
            case 2:
                return $"{{ a: {Any(d)}, b: self.a, c+: {{ x: 1 }}, h:: 'hidden', v::: {Number(d)} }}";
            case 3:
                return $"({{ a: {Number(d)}, b: 2 }} + {{ a: super.a * 2, c: super.b + self.a }})";
            case 4:
                return $"std.mergePatch({Object(d)}, {Object(d)})";
            case 5:
                return $"std.mapWithKey(function(k, v) k, {Object(d)})";
            default:
            {
                var fields = Enumerable.Range(0, _random.Next(1, 5)).Select(i => $"{Pick("a", "b", "c", "\"d e\"", "f" + i)}{i}{Pick(":", "::", "+:")} {Any(d)}");
                return "{ " + string.Join(", ", fields) + " }";
            }
        }
    }
}
