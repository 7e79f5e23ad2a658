using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using IdentityServer.Config;

namespace IdentityServer.Tests.Config;

public class TypedOptionsTests
{
    [Fact]
    public void Defaults_match_Kratos_when_keys_are_absent()
    {
        using var folder = new TempConfigFolder();
        var file = folder.Write("kratos.yml", TempConfigFolder.MinimalConfig);

        var config = ConfigLoader.Load([file], new Dictionary<string, string>()).Config!;

        Assert.Equal(4433, config.Serve.Public.Port);
        Assert.Equal(4434, config.Serve.Admin.Port);
        Assert.False(config.Serve.Public.Cors.Enabled);
        Assert.Equal(["*"], config.Serve.Public.Cors.AllowedOrigins);
        Assert.True(config.Serve.Public.Cors.AllowCredentials);
        Assert.Equal("info", config.Log.Level);
        Assert.Equal("bcrypt", config.Hashers.Algorithm);
        Assert.Equal(12, config.Hashers.Bcrypt.Cost);
        Assert.Equal(128L * 1024 * 1024, config.Hashers.Argon2.Memory);
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.Hashers.Argon2.ExpectedDuration);
        Assert.Equal(TimeSpan.FromHours(24), config.Session.Lifespan);
        Assert.Null(config.Session.EarliestPossibleExtend);
        Assert.Equal("ory_kratos_session", config.Session.Cookie.Name);
        Assert.True(config.Session.Cookie.Persistent);
        Assert.Equal("highest_available", config.Session.Whoami.RequiredAal);
        Assert.Equal("Lax", config.Cookies.SameSite);
        Assert.Equal(5, config.Courier.MessageRetries);
        Assert.Equal("smtp", config.Courier.DeliveryStrategy);
        Assert.False(config.Database.MigrateOnStart);
        Assert.True(config.SelfService.Methods.Password.Enabled);
        Assert.Equal(8, config.SelfService.Methods.Password.Config.MinPasswordLength);
        Assert.True(config.SelfService.Methods.Code.Enabled);
        Assert.False(config.SelfService.Methods.Totp.Enabled);
        Assert.Equal(TimeSpan.FromHours(1), config.SelfService.Flows.Login.Lifespan);
        Assert.True(config.SelfService.Flows.Registration.Enabled);
        Assert.False(config.SelfService.Flows.Recovery.Enabled);
        Assert.Equal("code", config.SelfService.Flows.Verification.Use);
        Assert.Equal("default", config.Identity.DefaultSchemaId);
    }

    [Fact]
    public void Set_values_reach_the_typed_options()
    {
        using var folder = new TempConfigFolder();
        var file = folder.Write("kratos.yml", TempConfigFolder.MinimalConfig + """

              flows:
                login:
                  ui_url: http://127.0.0.1:4433/ui/login
                  lifespan: 1h5m
                  after:
                    default_browser_return_url: http://127.0.0.1:4455/after-login
                    hooks:
                      - hook: web_hook
                        config:
                          url: https://hooks.example/login
                          method: POST
                          body: base64://e30=
                    password:
                      hooks:
                        - hook: require_verified_address
                settings:
                  privileged_session_max_age: 2h45m30s
                  required_aal: aal1
              methods:
                password:
                  config:
                    min_password_length: 12
                    haveibeenpwned_enabled: false
                webauthn:
                  enabled: true
                  config:
                    rp:
                      id: localhost
                      display_name: Local
                      origin: http://localhost:4455
            hashers:
              algorithm: argon2
              argon2:
                memory: 64MB
                iterations: 3
                parallelism: 2
                expected_duration: 300ms
            session:
              lifespan: 720h
              earliest_possible_extend: 1h
              cookie:
                same_site: Strict
            courier:
              message_retries: 9
              smtp:
                connection_uri: smtps://user:pass@mail.example:465/
                from_name: Example
                headers:
                  X-Team: identity
            database:
              migrate_on_start: true
            """);

        var result = ConfigLoader.Load([file], new Dictionary<string, string>());

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        var config = result.Config!;
        var login = config.SelfService.Flows.Login;
        Assert.Equal(new TimeSpan(1, 5, 0), login.Lifespan);
        var webHook = Assert.Single(login.After.Hooks);
        Assert.Equal("web_hook", webHook.Hook);
        Assert.Equal("https://hooks.example/login", webHook.Config!["url"]!.GetValue<string>());
        Assert.Equal("require_verified_address", Assert.Single(login.After.ForMethod("password")!.Hooks).Hook);
        Assert.Equal("http://127.0.0.1:4455/after-login", login.After.ReturnUrlFor("password"));
        Assert.Equal(new TimeSpan(2, 45, 30), config.SelfService.Flows.Settings.PrivilegedSessionMaxAge);
        Assert.Equal("aal1", config.SelfService.Flows.Settings.RequiredAal);
        Assert.Equal(12, config.SelfService.Methods.Password.Config.MinPasswordLength);
        Assert.False(config.SelfService.Methods.Password.Config.HaveibeenpwnedEnabled);
        Assert.Equal(["http://localhost:4455"], config.SelfService.Methods.Webauthn.Config.Rp.AllOrigins);
        Assert.Equal("argon2", config.Hashers.Algorithm);
        Assert.Equal(64L * 1024 * 1024, config.Hashers.Argon2.Memory);
        Assert.Equal(3, config.Hashers.Argon2.Iterations);
        Assert.Equal(TimeSpan.FromMilliseconds(300), config.Hashers.Argon2.ExpectedDuration);
        Assert.Equal(TimeSpan.FromDays(30), config.Session.Lifespan);
        Assert.Equal(TimeSpan.FromHours(1), config.Session.EarliestPossibleExtend);
        Assert.Equal("Strict", config.Session.Cookie.SameSite);
        Assert.Equal(9, config.Courier.MessageRetries);
        Assert.Equal("identity", config.Courier.Smtp.Headers["X-Team"]);
        Assert.True(config.Database.MigrateOnStart);
        Assert.Same(result.Merged, config.Tree);
    }

    [Fact]
    public void Every_typed_option_is_a_key_of_the_schema()
    {
        var known = ConfigSchema.Default.KnownPaths;
        var missing = new List<string>();

        foreach (var path in TypedPaths(typeof(KratosConfig), "", 0))
        {
            if (!known.ContainsKey(path) && !KnownInSomeFlowsAfter(path, known.Keys)) missing.Add(path);
        }

        Assert.True(missing.Count == 0, string.Join(", ", missing));
        Assert.Contains("selfservice.methods.lookup_secret.enabled", TypedPaths(typeof(KratosConfig), "", 0));
    }

    [Fact]
    public void The_schema_accepts_every_top_level_section_of_Kratos()
    {
        string[] kratosSections =
        [
            "clients", "config", "cookies", "courier", "database", "dev", "dsn", "enterprise", "expose-metrics-port",
            "feature_flags", "hashers", "help", "identity", "log", "oauth2_provider", "organizations", "preview",
            "revision", "secrets", "security", "selfservice", "serve", "session", "sqa-opt-out", "tracing", "version",
            "watch-courier", "ciphers",
        ];
        // Sections of this server's own, in a namespace Kratos does not use.
        string[] ownSections = ["cache"];
        var schemaSections = ConfigSchema.Default.Root["properties"]!.AsObject().Select(pair => pair.Key);

        Assert.Equal(kratosSections.Concat(ownSections).Order(StringComparer.Ordinal), schemaSections.Order(StringComparer.Ordinal));
        Assert.False(ConfigSchema.Default.Root["additionalProperties"]!.GetValue<bool>());
    }

    [Fact]
    public void A_config_using_every_section_loads()
    {
        using var folder = new TempConfigFolder();
        var file = folder.Write("kratos.yml", TempConfigFolder.MinimalConfig + """

            version: v1.3.0
            dev: true
            help: false
            sqa-opt-out: true
            watch-courier: false
            expose-metrics-port: 9000
            config: [kratos.yml]
            revision: abc
            organizations: []
            enterprise: {}
            serve: { public: { port: 4433 }, admin: { port: 4434 } }
            log: { level: warning, format: json }
            tracing: { provider: otel, service_name: identity, providers: { otlp: { server_url: localhost:4318, insecure: true } } }
            secrets: { default: [a-default-secret-1234] }
            hashers: { algorithm: bcrypt, bcrypt: { cost: 10 } }
            ciphers: { algorithm: noop }
            session: { lifespan: 1h }
            cookies: { domain: example.com, path: /, same_site: None }
            courier: { delivery_strategy: http, http: { request_config: { url: https://mail.example/send, method: POST } } }
            database: { migrate_on_start: false, cleanup: { batch_size: 50 } }
            oauth2_provider: { url: https://hydra.example/, override_return_to: true }
            preview: { default_read_consistency_level: eventual }
            security: { account_enumeration: { mitigate: true } }
            clients: { http: { disallow_private_ip_ranges: true } }
            feature_flags: { use_continue_with_transitions: true }
            """);

        var result = ConfigLoader.Load([file], new Dictionary<string, string>());

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        Assert.Equal("warning", result.Config!.Log.Level);
        Assert.Equal("json", result.Config.Log.Format);
        Assert.Equal("otel", result.Config.Tree["tracing"]!["provider"]!.GetValue<string>());
    }

    [Fact]
    public void The_embedded_schema_is_a_JSON_object_with_definitions_for_every_reference()
    {
        var text = ConfigSchema.ReadEmbeddedText();
        var root = JsonNode.Parse(text)!.AsObject();
        var references = new List<string>();
        Collect(root, references);

        Assert.NotEmpty(references);
        foreach (var reference in references.Distinct()) Assert.NotNull(ConfigSchema.Default.Lookup(reference));

        static void Collect(JsonNode? node, List<string> into)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, value) in obj)
                    {
                        if (key == "$ref") into.Add(value!.GetValue<string>());
                        else Collect(value, into);
                    }
                    break;
                case JsonArray array:
                    foreach (var item in array) Collect(item, into);
                    break;
            }
        }
    }

    // One AfterOptions class serves every flow, so its members need only exist in some flow's "after".
    private static bool KnownInSomeFlowsAfter(string path, IEnumerable<string> known)
    {
        var match = System.Text.RegularExpressions.Regex.Match(path, @"^selfservice\.flows\.[a-z_]+\.after\.(.+)$");
        if (!match.Success) return false;
        var rest = ".after." + match.Groups[1].Value;
        return known.Any(candidate => candidate.StartsWith("selfservice.flows.", StringComparison.Ordinal) && candidate.EndsWith(rest, StringComparison.Ordinal));
    }

    private static IEnumerable<string> TypedPaths(Type type, string path, int depth)
    {
        if (depth > 10) yield break;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || property.GetCustomAttribute<JsonIgnoreAttribute>() is not null) continue;
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
            var childPath = KeyPath.Child(path, name);
            yield return childPath;

            var propertyType = property.PropertyType;
            if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(List<>))
            {
                var item = propertyType.GetGenericArguments()[0];
                if (IsOptionsClass(item))
                {
                    foreach (var inner in TypedPaths(item, childPath + "[]", depth + 1)) yield return inner;
                }
            }
            else if (IsOptionsClass(propertyType))
            {
                foreach (var inner in TypedPaths(propertyType, childPath, depth + 1)) yield return inner;
            }
        }
    }

    private static bool IsOptionsClass(Type type) =>
        type.IsClass && type.Namespace == typeof(KratosConfig).Namespace;
}
