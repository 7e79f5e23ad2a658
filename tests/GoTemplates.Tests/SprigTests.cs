using GoTemplates.Sprig;

namespace GoTemplates.Tests;

/// <summary>sprig functions checked against the results sprig documents for them.</summary>
public sealed class SprigTests
{
    private static readonly Dictionary<string, object?> Data = new()
    {
        ["Name"] = "Ada",
        ["Count"] = 3,
        ["Obj"] = new Dictionary<string, object?> { ["a"] = 1, ["b"] = "<x>" },
        ["Nested"] = new Dictionary<string, object?> { ["user"] = new Dictionary<string, object?> { ["role"] = "admin" } },
    };

    private static string Render(string template, object? data = null, bool withDates = false) =>
        GoTemplate.Parse("t", template, TemplateMode.Text, withDates ? SprigFunctions.WithDates : SprigFunctions.Hermetic).Execute(data ?? Data);

    [Theory]
    // Strings.
    [InlineData("{{ \"hello\" | upper }}", "HELLO")]
    [InlineData("{{ \"HELLO\" | lower }}", "hello")]
    [InlineData("{{ \"hello world\" | title }}", "Hello World")]
    [InlineData("{{ \"Hello World\" | untitle }}", "hello world")]
    [InlineData("{{ \"  hello  \" | trim }}", "hello")]
    [InlineData("{{ trimAll \"$\" \"$5.00\" }}", "5.00")]
    [InlineData("{{ trimSuffix \"-\" \"hello-\" }}", "hello")]
    [InlineData("{{ trimPrefix \"-\" \"-hello\" }}", "hello")]
    [InlineData("{{ \"I Am Henry VIII\" | replace \" \" \"-\" }}", "I-Am-Henry-VIII")]
    [InlineData("{{ contains \"cat\" \"catch\" }}", "true")]
    [InlineData("{{ hasPrefix \"cat\" \"catch\" }}", "true")]
    [InlineData("{{ hasSuffix \"cat\" \"catch\" }}", "false")]
    [InlineData("{{ repeat 3 \"hello\" }}", "hellohellohello")]
    [InlineData("{{ substr 0 5 \"hello world\" }}", "hello")]
    [InlineData("{{ substr 6 -1 \"hello world\" }}", "world")]
    [InlineData("{{ nospace \"hello w o r l d\" }}", "helloworld")]
    [InlineData("{{ trunc 5 \"hello world\" }}", "hello")]
    [InlineData("{{ trunc -5 \"hello world\" }}", "world")]
    [InlineData("{{ abbrev 5 \"hello world\" }}", "he...")]
    [InlineData("{{ abbrevboth 5 10 \"1234 5678 9123\" }}", "...5678...")]
    [InlineData("{{ initials \"First Try\" }}", "FT")]
    [InlineData("{{ swapcase \"This Is A.Test\" }}", "tHIS iS a.tEST")]
    [InlineData("{{ snakecase \"FirstName\" }}", "first_name")]
    [InlineData("{{ snakecase \"HTTPServer\" }}", "http_server")]
    [InlineData("{{ kebabcase \"FirstName\" }}", "first-name")]
    [InlineData("{{ camelcase \"http_server\" }}", "HttpServer")]
    [InlineData("{{ wrap 5 \"hello world foo\" }}", "hello\nworld\nfoo")]
    [InlineData("{{ wrapWith 5 \"\\t\" \"Hello World\" }}", "Hello\tWorld")]
    [InlineData("{{ quote \"hello\" 1 }}", "\"hello\" \"1\"")]
    [InlineData("{{ quote \"say \\\"hi\\\"\" }}", "\"say \\\"hi\\\"\"")]
    [InlineData("{{ squote \"hello\" }}", "'hello'")]
    [InlineData("{{ cat \"hello\" \"beautiful\" \"world\" }}", "hello beautiful world")]
    [InlineData("{{ cat \"a\" nil 1 }}", "a 1")]
    [InlineData("{{ indent 4 \"a\\nb\" }}", "    a\n    b")]
    [InlineData("{{ nindent 2 \"a\" }}", "\n  a")]
    [InlineData("{{ plural \"one anchovy\" \"many anchovies\" 2 }}", "many anchovies")]
    [InlineData("{{ plural \"one anchovy\" \"many anchovies\" 1 }}", "one anchovy")]
    [InlineData("{{ sha256sum \"Hello world!\" }}", "c0535e4be2b79ffd93291305436bf889314e4a3faec05ecffcbb7df31ad9e51a")]
    [InlineData("{{ sha1sum \"Hello world!\" }}", "d3486ae9136e7856bc42212385ea797094475802")]
    [InlineData("{{ adler32sum \"Hello world!\" }}", "487130206")]
    [InlineData("{{ toString 1 }}{{ toString true }}", "1true")]
    [InlineData("{{ atoi \"42\" }} {{ atoi \"x\" }}", "42 0")]
    [InlineData("{{ int64 \"42\" }} {{ int 3.9 }} {{ float64 \"1.5\" }}", "42 3 1.5")]
    [InlineData("{{ toDecimal \"0777\" }}", "511")]
    [InlineData("{{ $a := split \"$\" \"foo$bar$baz\" }}{{ $a._0 }}-{{ $a._2 }}", "foo-baz")]
    [InlineData("{{ splitList \"$\" \"foo$bar$baz\" }}", "[foo bar baz]")]
    [InlineData("{{ $a := splitn \"$\" 2 \"foo$bar$baz\" }}{{ $a._1 }}", "bar$baz")]
    [InlineData("{{ list 1 2 3 | join \"-\" }}", "1-2-3")]
    [InlineData("{{ join \", \" (list \"a\" nil \"b\") }}", "a, b")]
    [InlineData("{{ list \"c\" \"a\" \"b\" | sortAlpha }}", "[a b c]")]
    [InlineData("{{ toStrings (list 1 2) }}", "[1 2]")]
    [InlineData("{{ hello }}", "Hello!")]
    // Math.
    [InlineData("{{ add 1 2 3 }} {{ add1 5 }} {{ sub 5 3 }} {{ div 7 2 }} {{ mod 7 3 }} {{ mul 2 3 4 }}", "6 6 2 3 1 24")]
    [InlineData("{{ max 1 5 3 }} {{ min 4 2 8 }} {{ biggest 3 9 }}", "5 2 9")]
    [InlineData("{{ add \"2\" 1.9 true }}", "4")]
    [InlineData("{{ addf 1.5 2 2 }} {{ add1f 1.5 }} {{ subf 7.5 2 3 }} {{ divf 10 4 }} {{ mulf 1.5 2 2 }}", "5.5 2.5 2.5 2.5 6")]
    [InlineData("{{ addf 0.1 0.2 }}", "0.3")]
    [InlineData("{{ maxf 1 2.5 3 }} {{ minf 1.5 2 }}", "3 1.5")]
    [InlineData("{{ floor 123.9999 }} {{ ceil 123.001 }} {{ round 123.555555 3 }} {{ round 123.5 0 }}", "123 124 123.556 124")]
    [InlineData("{{ until 5 }} {{ untilStep 3 6 2 }} {{ until -3 }}", "[0 1 2 3 4] [3 5] [0 -1 -2]")]
    [InlineData("{{ seq 5 }}|{{ seq -3 }}|{{ seq 0 2 }}|{{ seq 2 -2 }}|{{ seq 0 2 10 }}|{{ seq 0 -2 -5 }}", "1 2 3 4 5|1 0 -1 -2 -3|0 1 2|2 1 0 -1 -2|0 2 4 6 8 10|0 -2 -4")]
    [InlineData("{{ range until 3 }}{{ . }}{{ end }}", "012")]
    [InlineData("{{ .Count | add 2 }}", "5")]
    // Defaults and JSON.
    [InlineData("{{ default \"foo\" .Missing }} {{ default \"foo\" \"bar\" }} {{ default 42 0 }} {{ .Missing | default \"piped\" }}", "foo bar 42 piped")]
    [InlineData("{{ empty \"\" }} {{ empty 0 }} {{ empty (list) }} {{ empty \"x\" }}", "true true true false")]
    [InlineData("{{ coalesce 0 \"\" \"x\" }} {{ coalesce .Missing .Name }}", "x Ada")]
    [InlineData("{{ all 1 \"a\" true }} {{ all 1 \"\" }} {{ any 0 \"\" 1 }} {{ any 0 false }}", "true false true false")]
    [InlineData("{{ list 1 \"a\" \"\" 0 | compact }}", "[1 a]")]
    [InlineData("{{ ternary \"yes\" \"no\" true }} {{ true | ternary \"yes\" \"no\" }} {{ ternary 1 2 false }}", "yes yes 2")]
    [InlineData("{{ .Obj | toJson }}", "{\"a\":1,\"b\":\"\\u003cx\\u003e\"}")]
    [InlineData("{{ .Obj | toRawJson }}", "{\"a\":1,\"b\":\"<x>\"}")]
    [InlineData("{{ .Obj | toPrettyJson }}", "{\n  \"a\": 1,\n  \"b\": \"\\u003cx\\u003e\"\n}")]
    [InlineData("{{ list 1.5 \"x\" nil true | toJson }}", "[1.5,\"x\",null,true]")]
    [InlineData("{{ (fromJson \"{\\\"a\\\":[1,2]}\").a }}", "[1 2]")]
    [InlineData("{{ fromJson \"not json\" }}", "<no value>")]
    [InlineData("{{ $c := deepCopy .Obj }}{{ $_ := set $c \"a\" 2 }}{{ .Obj.a }}{{ $c.a }}", "12")]
    [InlineData("{{ typeOf 1 }} {{ typeOf \"x\" }} {{ typeOf 1.5 }} {{ typeOf (list) }} {{ typeOf (add 1 1) }}", "int string float64 []interface {} int64")]
    [InlineData("{{ kindOf \"x\" }} {{ kindOf (list 1) }} {{ kindOf (dict) }} {{ kindOf 1 }}", "string slice map int")]
    [InlineData("{{ typeIs \"string\" \"x\" }} {{ typeIsLike \"string\" \"x\" }} {{ kindIs \"slice\" (list 1) }}", "true true true")]
    [InlineData("{{ deepEqual (list 1 2) (list 1 2) }} {{ deepEqual (list 1) (list 2) }}", "true false")]
    // Paths and encodings.
    [InlineData("{{ base \"foo/bar/baz\" }} {{ dir \"foo/bar/baz\" }} {{ clean \"foo/bar/../baz\" }} {{ ext \"foo.bar\" }} {{ isAbs \"/foo\" }}", "baz foo/bar foo/baz .bar true")]
    [InlineData("{{ b64enc \"hello\" }} {{ b64dec \"aGVsbG8=\" }} {{ b32enc \"hello\" }} {{ b32dec \"NBSWY3DP\" }}", "aGVsbG8= hello NBSWY3DP hello")]
    [InlineData("{{ $u := urlParse \"https://user@example.com:8080/a/b?x=1#frag\" }}{{ $u.scheme }}|{{ $u.host }}|{{ $u.hostname }}|{{ $u.path }}|{{ $u.query }}|{{ $u.fragment }}|{{ $u.userinfo }}", "https|example.com:8080|example.com|/a/b|x=1|frag|user")]
    [InlineData("{{ urlJoin (dict \"scheme\" \"https\" \"host\" \"example.com\" \"path\" \"/a\" \"query\" \"x=1\") }}", "https://example.com/a?x=1")]
    [InlineData("{{ encryptAES \"secret\" \"text\" | decryptAES \"secret\" }}", "text")]
    // Dictionaries.
    [InlineData("{{ $d := dict \"name1\" \"value1\" \"name2\" \"value2\" }}{{ get $d \"name1\" }}|{{ get $d \"nope\" }}|{{ hasKey $d \"name2\" }}", "value1||true")]
    [InlineData("{{ $d := dict \"a\" 1 }}{{ $_ := set $d \"b\" 2 }}{{ $d }}{{ $_ := unset $d \"a\" }}{{ $d }}", "map[a:1 b:2]map[b:2]")]
    [InlineData("{{ $d := dict \"odd\" }}{{ $d }}", "map[odd:]")]
    [InlineData("{{ pluck \"a\" (dict \"a\" 1) (dict \"b\" 2) (dict \"a\" 3) }}", "[1 3]")]
    [InlineData("{{ keys (dict \"b\" 1 \"a\" 2) | sortAlpha }} {{ values (dict \"b\" 1 \"a\" 2) }}", "[a b] [2 1]")]
    [InlineData("{{ pick (dict \"a\" 1 \"b\" 2 \"c\" 3) \"a\" \"c\" }} {{ omit (dict \"a\" 1 \"b\" 2 \"c\" 3) \"a\" }}", "map[a:1 c:3] map[b:2 c:3]")]
    [InlineData("{{ merge (dict \"a\" 1 \"n\" (dict \"x\" 1)) (dict \"a\" 2 \"b\" 3 \"n\" (dict \"y\" 2)) }}", "map[a:1 b:3 n:map[x:1 y:2]]")]
    [InlineData("{{ mergeOverwrite (dict \"a\" 1) (dict \"a\" 2 \"b\" 3) }}", "map[a:2 b:3]")]
    [InlineData("{{ dig \"user\" \"role\" \"guest\" .Nested }} {{ dig \"user\" \"name\" \"guest\" .Nested }}", "admin guest")]
    // Lists.
    [InlineData("{{ first (list 1 2 3) }} {{ rest (list 1 2 3) }} {{ last (list 1 2 3) }} {{ initial (list 1 2 3) }}", "1 [2 3] 3 [1 2]")]
    [InlineData("{{ append (list 1 2) 3 }} {{ prepend (list 1 2) 0 }} {{ concat (list 1 2) (list 3) }} {{ reverse (list 1 2 3) }}", "[1 2 3] [0 1 2] [1 2 3] [3 2 1]")]
    [InlineData("{{ list 1 1 1 2 | uniq }} {{ without (list 1 2 3 4) 1 3 5 }} {{ has 4 (list 1 2 3 4) }} {{ has 9 (list 1) }}", "[1 2] [2 4] true false")]
    [InlineData("{{ slice (list 1 2 3 4 5) 1 3 }} {{ slice (list 1 2 3) 1 }} {{ chunk 2 (list 1 2 3 4 5) }}", "[2 3] [2 3] [[1 2] [3 4] [5]]")]
    [InlineData("{{ first (list) }}", "<no value>")]
    [InlineData("{{ tuple 1 \"a\" }}", "[1 a]")]
    // Regular expressions.
    [InlineData("{{ regexMatch \"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\\\.[A-Za-z]{2,}$\" \"test@acme.com\" }}", "true")]
    [InlineData("{{ regexFindAll \"[2,4,6,8]\" \"123456789\" -1 }} {{ regexFindAll \"[2,4,6,8]\" \"123456789\" 2 }}", "[2 4 6 8] [2 4]")]
    [InlineData("{{ regexFind \"[a-zA-Z][1-9]\" \"abcd1234\" }}", "d1")]
    [InlineData("{{ regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\" }}", "-W-xxW-")]
    [InlineData("{{ regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"$1W\" }}", "---")]
    [InlineData("{{ regexReplaceAll \"(?P<first>\\\\w+) (?P<last>\\\\w+)\" \"Ada Lovelace\" \"$last, $first\" }}", "Lovelace, Ada")]
    [InlineData("{{ regexReplaceAllLiteral \"a(x*)b\" \"-ab-axxb-\" \"${1}\" }}", "-${1}-${1}-")]
    [InlineData("{{ regexSplit \"z+\" \"pizza\" -1 }} {{ regexSplit \"z+\" \"pizza\" 1 }}", "[pi a] [pizza]")]
    [InlineData("{{ regexQuoteMeta \"1.2.3\" }}", "1\\.2\\.3")]
    [InlineData("{{ regexMatch \"[\" \"x\" }}", "false")]
    // Semantic versions.
    [InlineData("{{ semverCompare \"^1.2.0\" \"1.2.3\" }} {{ semverCompare \"~1.2.0\" \"1.3.0\" }} {{ semverCompare \">=1.2.3, <2.0.0\" \"1.5.0\" }}", "true false true")]
    [InlineData("{{ semverCompare \"1.2.x\" \"1.2.9\" }} {{ semverCompare \"^0.2.3\" \"0.3.0\" }} {{ semverCompare \"<1.0.0 || >=2.0.0\" \"2.1.0\" }}", "true false true")]
    [InlineData("{{ semverCompare \">=1.0.0\" \"1.1.0-beta.1\" }} {{ semverCompare \">=1.1.0-alpha\" \"1.1.0-beta.1\" }}", "false true")]
    [InlineData("{{ $v := semver \"1.2.3-alpha.1+123\" }}{{ $v.Major }}.{{ $v.Minor }}.{{ $v.Patch }} {{ $v.Prerelease }} {{ $v.Metadata }} {{ $v }}", "1.2.3 alpha.1 123 1.2.3-alpha.1+123")]
    // Dates.
    [InlineData("{{ duration \"95\" }} {{ duration 95 }} {{ durationRound \"2h10m5s\" }} {{ durationRound \"400h\" }}", "1m35s 0s 2h 16d")]
    [InlineData("{{ mustToDate \"2006-01-02T15:04:05Z07:00\" \"2017-12-31T00:00:00Z\" | unixEpoch }}", "1514678400")]
    [InlineData("{{ $t := mustToDate \"2006-01-02T15:04:05Z07:00\" \"2024-03-05T10:20:00+02:00\" }}{{ mustDateModify \"1h30m\" $t | unixEpoch }}", "1709632200")]
    public void Sprig_function_matches_documented_result(string template, string expected)
    {
        Assert.Equal(expected, Render(template));
    }

    [Theory]
    [InlineData("{{ dateInZone \"2006-01-02 15:04 MST\" (mustToDate \"2006-01-02T15:04:05Z07:00\" \"2024-03-05T10:20:00Z\") \"UTC\" }}", "2024-03-05 10:20 UTC")]
    [InlineData("{{ dateInZone \"Mon Jan _2 15:04:05 2006\" (mustToDate \"2006-01-02T15:04:05Z07:00\" \"2024-03-05T10:20:07Z\") \"UTC\" }}", "Tue Mar  5 10:20:07 2024")]
    [InlineData("{{ dateInZone \"02.01.2006 15:04 -0700\" (mustToDate \"2006-01-02T15:04:05Z07:00\" \"2024-07-05T10:20:00Z\") \"Europe/Berlin\" }}", "05.07.2024 12:20 +0200")]
    [InlineData("{{ htmlDateInZone (mustToDate \"2006-01-02\" \"2024-03-05\") \"UTC\" }}", "2024-03-05")]
    [InlineData("{{ dateModify \"-24h\" (mustToDate \"2006-01-02T15:04:05Z07:00\" \"2024-03-05T10:20:00Z\") | unixEpoch }}", "1709547600")]
    public void Date_functions_format_with_go_layouts(string template, string expected)
    {
        Assert.Equal(expected, Render(template, withDates: true));
    }

    [Fact]
    public void Now_is_close_to_the_clock_when_date_functions_are_enabled()
    {
        var rendered = Render("{{ now | unixEpoch }}", withDates: true);
        Assert.InRange(long.Parse(rendered), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
    }

    [Theory]
    [InlineData("now")]
    [InlineData("date")]
    [InlineData("dateInZone")]
    [InlineData("env")]
    [InlineData("expandenv")]
    [InlineData("randAlphaNum")]
    [InlineData("uuidv4")]
    [InlineData("getHostByName")]
    public void Hermetic_set_leaves_out_functions_that_depend_on_the_environment(string name)
    {
        Assert.False(SprigFunctions.Hermetic.ContainsKey(name));
        var e = Assert.Throws<TemplateParseException>(() => GoTemplate.Parse("t", "{{ " + name + " }}", TemplateMode.Text, SprigFunctions.Hermetic));
        Assert.Contains($"function \"{name}\" not defined", e.Message);
    }

    [Theory]
    [InlineData("{{ fail \"boom\" }}", "error calling fail: boom")]
    [InlineData("{{ repeat \"x\" \"y\" }}", "expected integer; found \"x\"")]
    [InlineData("{{ upper 1 }}", "expected string; found 1")]
    [InlineData("{{ .Count | upper }}", "wrong type for value; expected string; got int")]
    [InlineData("{{ first 1 }}", "error calling first: Cannot find first on type int")]
    [InlineData("{{ div 1 0 }}", "error calling div: runtime error: integer divide by zero")]
    [InlineData("{{ mustRegexMatch \"[\" \"x\" }}", "error calling mustRegexMatch: error parsing regexp")]
    [InlineData("{{ semver \"not a version\" }}", "Invalid Semantic Version")]
    [InlineData("{{ dig \"a\" (dict) }}", "dig needs at least three arguments")]
    [InlineData("{{ substr 5 99 \"abc\" }}", "slice bounds out of range")]
    public void Sprig_errors_are_reported_not_thrown_as_crashes(string template, string message)
    {
        var e = Assert.Throws<TemplateExecutionException>(() => Render(template));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Sprig_slice_replaces_the_builtin_as_in_go()
    {
        // With sprig's functions installed, "slice" is sprig's list slice, as in Kratos.
        Assert.Equal("[2 3]", Render("{{ slice (list 1 2 3) 1 }}"));
        Assert.Equal("el", GoTemplate.Parse("t", "{{ slice \"hello\" 1 3 }}").Execute(null));
    }
}
