using IdentityServer.Hosting;
using IdentityServer.Tests.Infrastructure;

namespace IdentityServer.Tests.Identities;

/// <summary>One running server per store for the admin identity tests; every test uses fresh emails.</summary>
public abstract class AdminIdentityFixture : IAsyncLifetime
{
    public static string SchemaPath => Path.Combine(AppContext.BaseDirectory, "TestData", "test-identity.schema.json");

    public RunningServer Server { get; private set; } = null!;
    public Api Admin { get; private set; } = null!;
    public Api Public { get; private set; } = null!;

    protected abstract Task<string> CreateDsnAsync();

    public async Task InitializeAsync()
    {
        var extra = $"""
            hashers:
              algorithm: bcrypt
              bcrypt:
                cost: 4
            """;
        var yaml = TestServer.MinimalConfig(await CreateDsnAsync(), extra)
            .Replace(Path.Combine(TestPaths.RepoRoot, "identity-schemas", "email-password.schema.json"), SchemaPath);
        Server = await ServerApp.StartAsync(new ServeRequest([TestServer.WriteConfig(yaml)], Dev: true)
        {
            Environment = new Dictionary<string, string>(),
            PortOverride = 0,
        });
        Admin = new Api(Server.AdminUrl);
        Public = new Api(Server.PublicUrl);
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        Public.Dispose();
        await Server.DisposeAsync();
    }
}

public sealed class PostgresAdminIdentityFixture : AdminIdentityFixture
{
    protected override Task<string> CreateDsnAsync() => TestDatabases.CreatePostgresAsync();
}

public sealed class SqliteAdminIdentityFixture : AdminIdentityFixture
{
    protected override Task<string> CreateDsnAsync() => Task.FromResult(TestDatabases.CreateSqlite());
}
