using System.Text.Json.Nodes;
using IdentityServer.Config;

namespace IdentityServer.Tests.Config;

public class MergeTests
{
    [Fact]
    public void Later_files_win_objects_merge_and_lists_are_replaced()
    {
        using var folder = new TempConfigFolder();
        var first = folder.Write("a.yml", TempConfigFolder.MinimalConfig + """

            serve:
              public:
                port: 4000
                host: 127.0.0.1
                cors:
                  allowed_origins:
                    - http://one.example
                    - http://two.example
            """);
        var second = folder.Write("b.yml", """
            serve:
              public:
                port: 5000
                cors:
                  allowed_origins:
                    - http://three.example
              admin:
                port: 5001
            """);

        var result = ConfigLoader.Load([first, second], new Dictionary<string, string>());

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        var config = result.Config!;
        Assert.Equal(5000, config.Serve.Public.Port);
        Assert.Equal("127.0.0.1", config.Serve.Public.Host);
        Assert.Equal(5001, config.Serve.Admin.Port);
        Assert.Equal(["http://three.example"], config.Serve.Public.Cors.AllowedOrigins);
        Assert.Equal("http://127.0.0.1:4455/", config.SelfService.DefaultBrowserReturnUrl);
    }

    [Fact]
    public void Problems_point_at_the_file_whose_value_won()
    {
        using var folder = new TempConfigFolder();
        var first = folder.Write("a.yml", TempConfigFolder.MinimalConfig + """

            log:
              level: chatty
              format: text
            """);
        var second = folder.Write("b.yml", """
            log:
              format: xml
            """);

        var result = ConfigLoader.Load([first, second], new Dictionary<string, string>());

        Assert.Collection(result.Problems,
            level => Assert.StartsWith($"{first}:9:3: log.level: \"chatty\"", level.ToString()),
            format => Assert.StartsWith($"{second}:2:3: log.format: \"xml\"", format.ToString()));
    }

    [Fact]
    public void A_replaced_list_forgets_positions_of_the_old_items()
    {
        using var folder = new TempConfigFolder();
        var first = folder.Write("a.yml", TempConfigFolder.MinimalConfig + """

            secrets:
              cookie:
                - long-enough-secret-one
                - long-enough-secret-two
            """);
        var second = folder.Write("b.json", """
            {
              "secrets": { "cookie": ["short"] }
            }
            """);

        var result = ConfigLoader.Load([first, second], new Dictionary<string, string>());

        var problem = Assert.Single(result.Problems);
        Assert.StartsWith($"{second}:2:27: secrets.cookie[0]: is too short", problem.ToString());
    }

    [Fact]
    public void Merging_trees_directly_keeps_unrelated_keys()
    {
        var target = JsonNode.Parse("""{"a":{"b":1,"c":[1,2]},"d":"x"}""")!.AsObject();
        var source = JsonNode.Parse("""{"a":{"c":[3],"e":true},"d":null}""")!.AsObject();

        ConfigMerger.MergeInto(target, new SourceMap(), source, new SourceMap());

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":{"b":1,"c":[3],"e":true},"d":null}"""), target), target.ToJsonString());
    }

    [Fact]
    public void Yaml_scalars_are_typed_like_Go_reads_them()
    {
        var parsed = ParsedConfigFile.Parse("""
            int: 42
            negative: -7
            hex: 0x1F
            float: 1.5
            yes_is_text: yes
            quoted_number: "42"
            bool: true
            nothing: ~
            empty:
            version: v1.2.3
            anchor: &shared
              k: v
            alias: *shared
            """, "scalars.yml");

        Assert.Empty(parsed.Problems);
        var root = parsed.Root!;
        Assert.Equal(42, root["int"]!.GetValue<long>());
        Assert.Equal(-7, root["negative"]!.GetValue<long>());
        Assert.Equal(31, root["hex"]!.GetValue<long>());
        Assert.Equal(1.5, root["float"]!.GetValue<double>());
        Assert.Equal("yes", root["yes_is_text"]!.GetValue<string>());
        Assert.Equal("42", root["quoted_number"]!.GetValue<string>());
        Assert.True(root["bool"]!.GetValue<bool>());
        Assert.Null(root["nothing"]);
        Assert.True(root.ContainsKey("empty"));
        Assert.Equal("v1.2.3", root["version"]!.GetValue<string>());
        Assert.Equal("v", root["alias"]!["k"]!.GetValue<string>());
        Assert.True(parsed.Locations.TryGet("anchor.k", out var location));
        Assert.Equal((12, 3), (location.Line, location.Column));
    }
}
