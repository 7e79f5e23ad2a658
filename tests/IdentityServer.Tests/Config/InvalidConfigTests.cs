using IdentityServer.Config;

namespace IdentityServer.Tests.Config;

public class InvalidConfigTests
{
    public sealed record Case(
        string Name,
        string Yaml,
        int Line,
        int Column,
        string KeyPath,
        string Message,
        string? Hint = null,
        bool OnTopOfMinimal = true,
        string FileName = "case.yml")
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() =>
    [
        new("yaml syntax error",
            """
            serve:
              public:
                port: 4433
               host: 127.0.0.1
            """,
            4, 4, "", "invalid YAML: While parsing a block mapping, did not find expected key", "check the indentation"),
        new("unterminated quote",
            """
            log:
              level: "debug
            """,
            2, 10, "", "invalid YAML", "a quoted value is not closed"),
        new("tab used for indentation",
            "log:\n\tlevel: debug\n",
            2, 0, "", "invalid YAML", "indent with spaces"),
        new("unknown key close to a known one",
            """
            serve:
              public:
                prot: 4433
            """,
            3, 5, "serve.public.prot", "unknown key \"prot\"", "did you mean \"port\"?"),
        new("unknown top-level key",
            """
            servee:
              public:
                port: 4433
            """,
            1, 1, "servee", "unknown key \"servee\"", "did you mean \"serve\"?"),
        new("known key at the wrong level",
            """
            level: debug
            """,
            1, 1, "level", "unknown key \"level\" here", "level belongs under log"),
        new("dotted key instead of nesting",
            """
            serve.public.port: 4433
            """,
            1, 1, "serve.public.port", "unknown key \"serve.public.port\"", "nest the parts instead of joining them with dots: serve: then public: then port:"),
        new("after placed directly under flows",
            """
            selfservice:
              flows:
                after:
                  hooks:
                    - hook: session
            """,
            3, 5, "selfservice.flows.after", "\"after\" is not a flow",
            "after-hooks belong inside a flow, e.g. selfservice.flows.login.after"),
        new("password option outside config",
            """
            selfservice:
              methods:
                password:
                  enabled: true
                  min_password_length: 10
            """,
            5, 7, "selfservice.methods.password.min_password_length", "unknown key \"min_password_length\" here",
            "min_password_length belongs under selfservice.methods.password.config"),
        new("base_url directly under serve",
            """
            serve:
              base_url: http://127.0.0.1:4433/
            """,
            2, 3, "serve.base_url", "unknown key \"base_url\" here", "base_url belongs under serve.public or serve.admin"),
        new("hook list where an object with hooks is expected",
            """
            selfservice:
              flows:
                registration:
                  after:
                    password:
                      - hook: session
            """,
            5, 9, "selfservice.flows.registration.after.password", "expected a mapping of keys, got a list",
            "hooks go in a list under \"hooks\""),
        new("single hook object where a list is expected",
            """
            selfservice:
              flows:
                login:
                  after:
                    password:
                      hooks:
                        hook: session
            """,
            6, 11, "selfservice.flows.login.after.password.hooks", "expected a list, got a mapping of keys",
            "start each hook with \"- \""),
        new("unknown hook name",
            """
            selfservice:
              flows:
                registration:
                  after:
                    password:
                      hooks:
                        - hook: sesion
            """,
            7, 15, "selfservice.flows.registration.after.password.hooks[0].hook", "\"sesion\" is not one of the allowed values",
            "did you mean \"session\"?"),
        new("web_hook without config",
            """
            selfservice:
              flows:
                login:
                  after:
                    hooks:
                      - hook: web_hook
            """,
            6, 13, "selfservice.flows.login.after.hooks[0].config", "required key is missing"),
        new("wrong type for a port",
            """
            serve:
              public:
                port: abc
            """,
            3, 5, "serve.public.port", "expected a number, got string \"abc\""),
        new("port out of range",
            """
            serve:
              admin:
                port: 70000
            """,
            3, 5, "serve.admin.port", "70000 is out of range; it must be between 1 and 65535"),
        new("invalid log level",
            """
            log:
              level: verbose
            """,
            2, 3, "log.level", "\"verbose\" is not one of the allowed values: trace, debug, info, warning, error, fatal, panic"),
        new("misspelled log format",
            """
            log:
              format: jsn
            """,
            2, 3, "log.format", "\"jsn\" is not one of the allowed values: json, text", "did you mean \"json\"?"),
        new("bad duration",
            """
            session:
              lifespan: 1x
            """,
            2, 3, "session.lifespan", "\"1x\" is not a valid duration", "Go duration syntax"),
        new("duration without unit",
            """
            selfservice:
              flows:
                login:
                  lifespan: 10
            """,
            4, 7, "selfservice.flows.login.lifespan", "expected a string, got number 10", "durations need a unit"),
        new("base_url without scheme",
            """
            serve:
              public:
                base_url: localhost:4433
            """,
            3, 5, "serve.public.base_url", "\"localhost:4433\" is not a valid http or https URL", "e.g. http://127.0.0.1:4433/"),
        new("relative ui_url",
            """
            selfservice:
              flows:
                login:
                  ui_url: /ui/login
            """,
            4, 7, "selfservice.flows.login.ui_url", "\"/ui/login\" is not a valid http or https URL", "full address of the page"),
        new("identity schema url without scheme",
            """
            identity:
              schemas:
                - id: default
                  url: identity.schema.json
            """,
            4, 7, "identity.schemas[0].url", "\"identity.schema.json\" is not a valid URL", "identity schema URLs need a scheme"),
        new("identity schema without url",
            """
            identity:
              schemas:
                - id: default
            """,
            3, 7, "identity.schemas[0].url", "required key is missing", "add url: under identity.schemas[0]"),
        new("missing dsn",
            """
            identity:
              schemas:
                - id: default
                  url: file://identity.schema.json
            selfservice:
              default_browser_return_url: http://127.0.0.1:4455/
            """,
            1, 1, "dsn", "required key is missing", "DSN environment variable", OnTopOfMinimal: false),
        new("recovery enabled without a courier",
            TempConfigFolder.MinimalConfig + """

              flows:
                recovery:
                  enabled: true
            """,
            1, 1, "courier", "required key is missing", "the recovery flow sends messages", OnTopOfMinimal: false),
        new("cipher algorithm without a cipher secret",
            """
            ciphers:
              algorithm: xchacha20-poly1305
            secrets:
              default:
                - a-default-secret-1234
            """,
            3, 1, "secrets.cipher", "required key is missing", "add secrets.cipher with a 32-character secret"),
        new("secret too short",
            """
            secrets:
              cookie:
                - too-short
            """,
            3, 7, "secrets.cookie[0]", "is too short: 9 characters, at least 16 needed"),
        new("quoted boolean",
            """
            dev: "yes"
            """,
            1, 1, "dev", "expected true or false, got string \"yes\"", "use true or false without quotes"),
        new("empty section",
            """
            serve:
            """,
            1, 1, "serve", "expected a mapping of keys, got an empty value", "give serve some keys or remove it"),
        new("duplicate key",
            """
            log:
              level: debug
              level: info
            """,
            3, 3, "log.level", "appears twice"),
        new("json file with a wrong type",
            """
            {
              "serve": {
                "public": { "port": "4433" }
              }
            }
            """,
            3, 17, "serve.public.port", "expected a number, got string \"4433\"", "remove the quotes", FileName: "case.json"),
        new("invalid json",
            """
            { "log": { "level": "debug", } , }
            """,
            1, 30, "", "invalid JSON: The JSON object contains a trailing comma", FileName: "case.json"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Invalid_configuration_is_reported_on_one_readable_line(Case testCase)
    {
        using var folder = new TempConfigFolder();
        var files = new List<string>();
        if (testCase.OnTopOfMinimal) files.Add(folder.Write("base.yml", TempConfigFolder.MinimalConfig));
        var file = folder.Write(testCase.FileName, testCase.Yaml);
        files.Add(file);

        var result = ConfigLoader.Load(files, new Dictionary<string, string>());

        Assert.False(result.IsValid);
        Assert.Null(result.Config);
        var lines = result.Problems.Select(problem => problem.ToString()).ToList();
        var problem = Assert.Single(result.Problems, p => p.KeyPath == testCase.KeyPath && p.Message.Contains(testCase.Message, StringComparison.Ordinal));
        var line = problem.ToString();

        var position = testCase.Line == 0 ? $"{file}:" : testCase.Column == 0 ? $"{file}:{testCase.Line}:" : $"{file}:{testCase.Line}:{testCase.Column}: ";
        Assert.True(line.StartsWith(position, StringComparison.Ordinal), $"expected the line to start with {position}: {line}");
        if (testCase.KeyPath.Length > 0) Assert.Contains($": {testCase.KeyPath}: ", line);
        Assert.Contains(testCase.Message, line);
        if (testCase.Hint is not null)
        {
            Assert.Contains(testCase.Hint, problem.Hint ?? "");
            Assert.Contains("; " + problem.Hint, line);
        }
        Assert.DoesNotContain("\n", line);
        Assert.DoesNotContain("   at ", string.Join("\n", lines));
    }

    [Fact]
    public void The_example_from_the_issue_renders_exactly()
    {
        using var folder = new TempConfigFolder();
        var file = folder.Write("kratos.yml", TempConfigFolder.MinimalConfig + "\n" + """
              flows:
                after:
                  hooks:
                    - hook: session
            """);

        var result = ConfigLoader.Load([file], new Dictionary<string, string>());

        var problem = Assert.Single(result.Problems);
        Assert.Equal(
            $"{file}:9:5: selfservice.flows.after: \"after\" is not a flow; after-hooks belong inside a flow, e.g. selfservice.flows.login.after",
            problem.ToString());
    }

    [Fact]
    public void Secrets_are_not_repeated_in_messages()
    {
        using var folder = new TempConfigFolder();
        var file = folder.Write("kratos.yml", TempConfigFolder.MinimalConfig.Replace("dsn: memory", "dsn: 12345") + "\n" + """
            courier:
              smtp:
                connection_uri: user:hunter2-password@mail.example:25
            """);

        var result = ConfigLoader.Load([file], new Dictionary<string, string>());

        Assert.Collection(result.Problems,
            dsn => Assert.Equal($"{file}:1:1: dsn: expected a string, got a number (value hidden)", dsn.ToString()),
            smtp => Assert.Equal($"{file}:10:5: courier.smtp.connection_uri: the value does not have the expected form; use smtp://user:password@host:port/ or smtps://...", smtp.ToString()));
        Assert.DoesNotContain(result.Problems, problem => problem.ToString().Contains("hunter2") || problem.ToString().Contains("12345"));
    }

    [Fact]
    public void An_empty_file_reports_the_missing_keys_at_its_first_line()
    {
        using var folder = new TempConfigFolder();
        var file = folder.Write("kratos.yml", "# nothing yet\n");

        var result = ConfigLoader.Load([file], new Dictionary<string, string>());

        Assert.Equal(["dsn", "identity", "selfservice"], result.Problems.Select(problem => problem.KeyPath).Order());
        Assert.All(result.Problems, problem => Assert.StartsWith($"{file}:1:1: ", problem.ToString()));
    }

    [Fact]
    public void Problems_are_written_one_per_line_with_a_summary()
    {
        using var folder = new TempConfigFolder();
        var file = folder.Write("kratos.yml", TempConfigFolder.MinimalConfig + "\nlog:\n  level: loud\n  formt: json\n");
        var result = ConfigLoader.Load([file], new Dictionary<string, string>());
        var output = new StringWriter();

        result.WriteProblems(output);

        var lines = output.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"{file}:9:3: log.level: ", lines[0]);
        Assert.Equal($"{file}:10:3: log.formt: unknown key \"formt\"; did you mean \"format\"?", lines[1]);
        Assert.Equal("the configuration has 2 problems", lines[2]);
    }

    [Fact]
    public void A_missing_config_file_is_one_clear_problem()
    {
        var file = Path.Combine("config", "does-not-exist-" + Guid.NewGuid().ToString("N") + ".yml");

        var result = ConfigLoader.Load([file], new Dictionary<string, string>());

        var problem = Assert.Single(result.Problems);
        Assert.Equal($"{file}: config file not found; check the path given with -c/--config", problem.ToString());
        Assert.False(result.IsValid);
    }

    [Fact]
    public void A_folder_given_as_config_file_is_one_clear_problem()
    {
        using var folder = new TempConfigFolder();

        var result = ConfigLoader.Load([folder.Path], new Dictionary<string, string>());

        var problem = Assert.Single(result.Problems);
        Assert.StartsWith($"{folder.Path}: config file cannot be read", problem.ToString());
        Assert.DoesNotContain(Environment.NewLine, problem.ToString());
    }

    [Fact]
    public void Several_problems_are_all_reported_in_file_order()
    {
        using var folder = new TempConfigFolder();
        var file = folder.Write("kratos.yml", TempConfigFolder.MinimalConfig + "\n" + """
            log:
              level: loud
            serve:
              public:
                port: 0
            """);

        var result = ConfigLoader.Load([file], new Dictionary<string, string>());

        Assert.Collection(result.Problems,
            first => Assert.StartsWith($"{file}:9:3: log.level: ", first.ToString()),
            second => Assert.StartsWith($"{file}:12:5: serve.public.port: 0 is out of range", second.ToString()));
    }
}
