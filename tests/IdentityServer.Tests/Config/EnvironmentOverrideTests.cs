using IdentityServer.Config;

namespace IdentityServer.Tests.Config;

public class EnvironmentOverrideTests
{
    private static ConfigLoadResult Load(string yaml, Dictionary<string, string> environment, out string file)
    {
        using var folder = new TempConfigFolder();
        file = folder.Write("kratos.yml", yaml);
        return ConfigLoader.Load([file], environment);
    }

    private const string FileWithBaseUrl = TempConfigFolder.MinimalConfig + """

        serve:
          public:
            base_url: http://file.example/
        log:
          level: info
        """;

    [Theory]
    [InlineData("DSN", "dsn")]
    [InlineData("LOG_LEVEL", "log.level")]
    [InlineData("SERVE_PUBLIC_BASE_URL", "serve.public.base_url")]
    [InlineData("SELFSERVICE_FLOWS_LOGIN_UI_URL", "selfservice.flows.login.ui_url")]
    [InlineData("SELFSERVICE_METHODS_PASSWORD_CONFIG_MIN_PASSWORD_LENGTH", "selfservice.methods.password.config.min_password_length")]
    [InlineData("SELFSERVICE_FLOWS_REGISTRATION_AFTER_PASSWORD_HOOKS", "selfservice.flows.registration.after.password.hooks")]
    [InlineData("SQA_OPT_OUT", "sqa-opt-out")]
    [InlineData("DATABASE_MIGRATE_ON_START", "database.migrate_on_start")]
    [InlineData("SECRETS_COOKIE_0", "secrets.cookie[0]")]
    [InlineData("IDENTITY_SCHEMAS_1_URL", "identity.schemas[1].url")]
    [InlineData("SELFSERVICE_METHODS_OIDC_CONFIG_PROVIDERS_0_CLIENT_SECRET", "selfservice.methods.oidc.config.providers[0].client_secret")]
    public void Variable_names_map_to_key_paths_through_the_schema(string variable, string keyPath)
    {
        var overrides = new EnvironmentOverrides(ConfigSchema.Default);

        Assert.Equal(keyPath, overrides.KeyPathFor(variable));
        if (!keyPath.Contains('[')) Assert.Equal(variable, EnvironmentOverrides.VariableFor(keyPath));
    }

    [Theory]
    [InlineData("PATH")]
    [InlineData("HOME")]
    [InlineData("CI")]
    [InlineData("CONFIG")]
    [InlineData("SERVE_PUBLIC")]
    [InlineData("SERVE_PUBLIC_BASE")]
    [InlineData("serve_public_port")]
    [InlineData("SECRETS_COOKIE_X")]
    [InlineData("IDENTITY_SCHEMAS_URL")]
    public void Unrelated_variables_are_not_configuration(string variable)
    {
        var overrides = new EnvironmentOverrides(ConfigSchema.Default);

        if (variable == "SERVE_PUBLIC")
        {
            // An object-valued key is reachable as a whole, given as JSON.
            Assert.Equal("serve.public", overrides.KeyPathFor(variable));
            return;
        }
        Assert.Null(overrides.KeyPathFor(variable));
    }

    [Fact]
    public void Environment_wins_over_the_file()
    {
        var result = Load(FileWithBaseUrl, new()
        {
            ["SERVE_PUBLIC_BASE_URL"] = "https://env.example/",
            ["LOG_LEVEL"] = "debug",
            ["SELFSERVICE_FLOWS_LOGIN_UI_URL"] = "https://env.example/login",
            ["PATH"] = "/usr/bin",
            ["SOMETHING_ELSE"] = "ignored",
        }, out var file);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        Assert.Equal(new Uri("https://env.example/"), result.Config!.Serve.Public.BaseUrl);
        Assert.Equal("debug", result.Config.Log.Level);
        Assert.Equal("https://env.example/login", result.Config.SelfService.Flows.Login.UiUrl);
        Assert.Equal("environment variable SERVE_PUBLIC_BASE_URL", result.DescribeSource("serve.public.base_url"));
        Assert.Equal($"{file}:1:1", result.DescribeSource("dsn"));
    }

    [Fact]
    public void Dsn_source_is_the_file_without_the_variable()
    {
        var result = Load(TempConfigFolder.MinimalConfig, new() { ["PATH"] = "/bin" }, out _);

        Assert.True(result.IsValid);
        Assert.Equal(ConfigValueSource.File, result.DsnSource);
        Assert.Equal("memory", result.Config!.Dsn);
    }

    [Fact]
    public void Dsn_source_is_the_environment_when_DSN_is_set()
    {
        var result = Load(TempConfigFolder.MinimalConfig, new() { ["DSN"] = "postgres://u:p@db:5432/kratos" }, out _);

        Assert.True(result.IsValid);
        Assert.Equal(ConfigValueSource.Environment, result.DsnSource);
        Assert.Equal("postgres://u:p@db:5432/kratos", result.Config!.Dsn);
    }

    [Fact]
    public void Dsn_can_come_only_from_the_environment()
    {
        var withoutDsn = string.Join('\n', TempConfigFolder.MinimalConfig.Split('\n').Skip(1));

        var missing = Load(withoutDsn, [], out _);
        var fromEnvironment = Load(withoutDsn, new() { ["DSN"] = "memory" }, out _);

        Assert.Equal(ConfigValueSource.NotSet, missing.DsnSource);
        Assert.Contains(missing.Problems, problem => problem.KeyPath == "dsn");
        Assert.True(fromEnvironment.IsValid);
        Assert.Equal(ConfigValueSource.Environment, fromEnvironment.DsnSource);
    }

    [Fact]
    public void Values_are_read_as_the_type_the_schema_expects()
    {
        var result = Load(TempConfigFolder.MinimalConfig, new()
        {
            ["SERVE_PUBLIC_PORT"] = "8080",
            ["SERVE_PUBLIC_CORS_ENABLED"] = "true",
            ["SERVE_PUBLIC_CORS_ALLOWED_ORIGINS"] = """["https://a.example","https://b.example"]""",
            ["SECRETS_COOKIE"] = """["0123456789abcdef-cookie"]""",
            ["SELFSERVICE_METHODS_PASSWORD_CONFIG_MIN_PASSWORD_LENGTH"] = "12",
            ["SELFSERVICE_FLOWS_REGISTRATION_AFTER_PASSWORD"] = """{"hooks":[{"hook":"session"}]}""",
            ["SESSION_LIFESPAN"] = "1h30m",
            ["VERSION"] = "v1.3.0",
        }, out _);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        var config = result.Config!;
        Assert.Equal(8080, config.Serve.Public.Port);
        Assert.True(config.Serve.Public.Cors.Enabled);
        Assert.Equal(["https://a.example", "https://b.example"], config.Serve.Public.Cors.AllowedOrigins);
        Assert.Equal(["0123456789abcdef-cookie"], config.Secrets.Cookie);
        Assert.Equal(12, config.SelfService.Methods.Password.Config.MinPasswordLength);
        Assert.Equal("session", Assert.Single(config.SelfService.Flows.Registration.After.Password!.Hooks).Hook);
        Assert.Equal(TimeSpan.FromMinutes(90), config.Session.Lifespan);
        Assert.Equal("v1.3.0", config.Version);
    }

    [Fact]
    public void A_deeper_variable_wins_over_an_object_given_as_JSON()
    {
        var result = Load(TempConfigFolder.MinimalConfig, new()
        {
            ["SERVE_PUBLIC"] = """{"port": 1111, "host": "127.0.0.1"}""",
            ["SERVE_PUBLIC_PORT"] = "2222",
        }, out _);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        Assert.Equal(2222, result.Config!.Serve.Public.Port);
        Assert.Equal("127.0.0.1", result.Config.Serve.Public.Host);
    }

    [Fact]
    public void A_bad_value_names_the_variable_instead_of_a_file()
    {
        var result = Load(TempConfigFolder.MinimalConfig, new() { ["SERVE_PUBLIC_PORT"] = "abc" }, out _);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("SERVE_PUBLIC_PORT", problem.EnvironmentVariable);
        Assert.Null(problem.File);
        Assert.Equal("environment variable SERVE_PUBLIC_PORT: serve.public.port: expected a number, got string \"abc\"", problem.ToString());
    }

    [Fact]
    public void A_list_of_objects_that_is_not_JSON_gets_a_hint()
    {
        var result = Load(TempConfigFolder.MinimalConfig, new() { ["IDENTITY_SCHEMAS"] = "file://a.json" }, out _);

        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("environment variable IDENTITY_SCHEMAS: identity.schemas: expected a list, got string \"file://a.json\"", problem.ToString());
        Assert.Contains("as JSON", problem.Hint);
    }

    [Fact]
    public void A_list_of_strings_may_be_comma_separated()
    {
        var result = Load(TempConfigFolder.MinimalConfig, new()
        {
            ["SERVE_PUBLIC_CORS_ALLOWED_ORIGINS"] = "https://a.example,https://b.example",
        }, out _);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        Assert.Equal(["https://a.example", "https://b.example"], result.Config!.Serve.Public.Cors.AllowedOrigins);
    }

    [Fact]
    public void List_items_can_be_set_by_index()
    {
        var yaml = TempConfigFolder.MinimalConfig + """

              methods:
                oidc:
                  enabled: true
                  config:
                    providers:
                      - id: github
                        provider: github
                        client_id: abc
                        client_secret: from-file
                        mapper_url: file://github.jsonnet
            secrets:
              cookie:
                - first-cookie-secret-from-file
                - second-cookie-secret-from-file
            """;

        var result = Load(yaml, new()
        {
            ["SELFSERVICE_METHODS_OIDC_CONFIG_PROVIDERS_0_CLIENT_SECRET"] = "from-environment",
            ["SECRETS_COOKIE_1"] = "second-secret-from-environment",
            ["IDENTITY_SCHEMAS_0_URL"] = "https://schemas.example/person.json",
        }, out _);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        var config = result.Config!;
        var provider = Assert.Single(config.SelfService.Methods.Oidc.Config.Providers);
        Assert.Equal("from-environment", provider["client_secret"]!.GetValue<string>());
        Assert.Equal("abc", provider["client_id"]!.GetValue<string>());
        Assert.Equal(["first-cookie-secret-from-file", "second-secret-from-environment"], config.Secrets.Cookie);
        Assert.Equal("https://schemas.example/person.json", Assert.Single(config.Identity.Schemas).Url);
        Assert.Equal("environment variable SECRETS_COOKIE_1", result.DescribeSource("secrets.cookie[1]"));
    }

    [Fact]
    public void An_index_past_the_end_adds_an_item_that_must_be_complete()
    {
        var result = Load(TempConfigFolder.MinimalConfig, new() { ["IDENTITY_SCHEMAS_1_URL"] = "file://other.json" }, out _);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("environment variable IDENTITY_SCHEMAS_1_URL: identity.schemas[1].id: required key is missing; add id: under identity.schemas[1]", problem.ToString());
    }

    [Fact]
    public void A_problem_inside_a_JSON_object_from_the_environment_names_the_variable()
    {
        var result = Load(TempConfigFolder.MinimalConfig, new() { ["SERVE_PUBLIC_CORS"] = """{"enabled": "yes"}""" }, out _);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("environment variable SERVE_PUBLIC_CORS: serve.public.cors.enabled: expected true or false, got string \"yes\"; use true or false without quotes", problem.ToString());
    }

    [Fact]
    public void Configuration_can_come_entirely_from_the_environment()
    {
        var result = ConfigLoader.Load([], new Dictionary<string, string>
        {
            ["DSN"] = "memory",
            ["IDENTITY_SCHEMAS"] = """[{"id":"default","url":"file://identity.schema.json"}]""",
            ["SELFSERVICE_DEFAULT_BROWSER_RETURN_URL"] = "http://127.0.0.1:4455/",
        });

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        Assert.Equal("file://identity.schema.json", Assert.Single(result.Config!.Identity.Schemas).Url);
    }
}
