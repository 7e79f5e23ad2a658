using IdentityServer.Hosting;
using IdentityServer.Sessions;
using IdentityServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Flows;

/// <summary>
/// One server per store for the flow tests; every test uses fresh emails so tests share the server.
/// </summary>
public abstract class FlowFixture : IAsyncLifetime
{
    public const string AppUrl = "http://127.0.0.1:4455";

    public RunningServer Server { get; private set; } = null!;
    public Infrastructure.Api Admin { get; private set; } = null!;

    protected abstract Task<string> CreateDsnAsync();

    /// <summary>YAML under `selfservice.flows` and `selfservice.methods.password.config` that differs per fixture.</summary>
    protected virtual string Hooks => """
            login:
              ui_url: http://127.0.0.1:4455/login
              lifespan: 10m
            settings:
              ui_url: http://127.0.0.1:4455/settings
            registration:
              ui_url: http://127.0.0.1:4455/registration
              login_hints: true
              after:
                password:
                  hooks:
                    - hook: session
        """;

    protected virtual string PasswordConfig => "haveibeenpwned_enabled: false";

    /// <summary>Extra top-level YAML (e.g. `security:`), written at column 0.</summary>
    protected virtual string TopLevel => "";
    /// <summary>More top-level YAML (e.g. `session:`) for a fixture that needs it.</summary>
    protected virtual string ExtraConfig => "";

    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    protected virtual void AddServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        await BeforeStartAsync();
        var schema = Path.Combine(TestPaths.RepoRoot, "identity-schemas", "email-password.schema.json");
        var yaml = $"""
            dsn: "{await CreateDsnAsync()}"
            database:
              migrate_on_start: true
            serve:
              public:
                host: 127.0.0.1
                base_url: http://127.0.0.1:4433/
              admin:
                host: 127.0.0.1
                base_url: http://127.0.0.1:4434/
            identity:
              default_schema_id: default
              schemas:
                - id: default
                  url: file://{schema}
            # The flows under test send no mail; the courier only has to be configured.
            courier:
              smtp:
                connection_uri: smtp://127.0.0.1:1025/
            secrets:
              cookie: ["a-test-cookie-secret-of-32-chars!"]
              cipher: ["a-test-cipher-secret-of-32-chars"]
            hashers:
              algorithm: bcrypt
              bcrypt:
                cost: 4
            selfservice:
              default_browser_return_url: {AppUrl}/
              allowed_return_urls:
                - {AppUrl}/
                - https://app.example.com/dashboard
                - https://*.example.org/
              methods:
                password:
                  config:
                    {PasswordConfig}
              flows:
                error:
                  ui_url: {AppUrl}/error
            {Hooks}
            {TopLevel}
            {ExtraConfig}
            """;
        Server = await ServerApp.StartAsync(new ServeRequest([TestServer.WriteConfig(yaml)], Dev: true)
        {
            Environment = new Dictionary<string, string>(),
            PortOverride = 0,
            ConfigureServices = AddServices,
        });
        Admin = new Infrastructure.Api(Server.AdminUrl);
    }

    /// <summary>How many active sessions the identity has, from the admin API.</summary>
    public async Task<int> ActiveSessionCount(Guid identityId)
    {
        var reply = await Admin.Get($"/admin/identities/{identityId}/sessions?active=true");
        return reply.Json.AsArray().Count;
    }

    public FlowClient Browser() => new(Server.PublicUrl);
    public FlowClient Native() => new(Server.PublicUrl, cookies: false);

    public virtual async Task DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
    }
}

public sealed class PostgresFlowFixture : FlowFixture
{
    protected override Task<string> CreateDsnAsync() => TestDatabases.CreatePostgresAsync();
}

public sealed class SqliteFlowFixture : FlowFixture
{
    protected override Task<string> CreateDsnAsync() => Task.FromResult(TestDatabases.CreateSqlite());
}
