using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Hosting;
using IdentityServer.Identities;
using IdentityServer.Persistence;
using IdentityServer.Sessions;
using IdentityServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Sessions;

/// <summary>One running server per store for the session tests; every test makes its own identities.</summary>
public abstract class SessionFixture : IAsyncLifetime
{
    public const string CurrentSecret = "the-current-cookie-secret-32-chars";
    public const string OldSecret = "an-older-cookie-secret-of-32-chars";

    public RunningServer Server { get; private set; } = null!;
    public Api Admin { get; private set; } = null!;
    public Api Public { get; private set; } = null!;

    protected abstract Task<string> CreateDsnAsync();

    public static string Config(string dsn, string extra = "") => TestServer.MinimalConfig(dsn, extra)
        .Replace("""cookie: ["a-test-cookie-secret-of-32-chars!"]""", $"""cookie: ["{CurrentSecret}", "{OldSecret}"]""")
        .Replace("    base_url: http://127.0.0.1:4433/\n", """
                base_url: http://127.0.0.1:4433/
                cors:
                  enabled: true
                  allowed_origins:
                    - https://app.example.com
                    - https://*.example.org
                  max_age: 600

            """)
        .Replace("  default_browser_return_url: http://127.0.0.1:4455/\n", """
              default_browser_return_url: http://127.0.0.1:4455/
              allowed_return_urls:
                - https://app.example.com/after
              flows:
                logout:
                  after:
                    default_browser_return_url: http://127.0.0.1:4455/logged-out

            """);

    public async Task InitializeAsync()
    {
        var yaml = Config(await CreateDsnAsync(), """
            hashers:
              algorithm: bcrypt
              bcrypt:
                cost: 4
            """);
        Assert.Contains("allowed_return_urls", yaml);
        Assert.Contains("*.example.org", yaml);
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

    public Task<Guid> CreateIdentityAsync(JsonObject? metadataAdmin = null) => SessionTestSupport.CreateIdentityAsync(Admin, metadataAdmin);

    public Task<IssuedSession> IssueAsync(Guid identityId, string userAgent = "session-tests/1.0") =>
        SessionTestSupport.IssueAsync(Server, identityId, userAgent);
}

public sealed class PostgresSessionFixture : SessionFixture
{
    protected override Task<string> CreateDsnAsync() => TestDatabases.CreatePostgresAsync();
}

public sealed class SqliteSessionFixture : SessionFixture
{
    protected override Task<string> CreateDsnAsync() => Task.FromResult(TestDatabases.CreateSqlite());
}

/// <summary>Creating identities and issuing sessions the way the flows will, before the flows exist.</summary>
public static class SessionTestSupport
{
    public static async Task<Guid> CreateIdentityAsync(Api admin, JsonObject? metadataAdmin = null)
    {
        var body = new JsonObject
        {
            ["schema_id"] = "default",
            ["traits"] = new JsonObject { ["email"] = $"user-{Guid.NewGuid():N}@example.com" },
            ["metadata_admin"] = metadataAdmin,
        };
        var reply = await admin.Post("/admin/identities", body);
        Assert.True(reply.Status == HttpStatusCode.Created, $"create identity answered {reply.Code}: {reply.Body}");
        return Guid.Parse(reply.Json["id"]!.GetValue<string>());
    }

    public static async Task<IssuedSession> IssueAsync(RunningServer server, Guid identityId, string userAgent)
    {
        using var scope = server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var identity = await db.Identities.Include(i => i.VerifiableAddresses).Include(i => i.RecoveryAddresses)
            .FirstAsync(i => i.Id == identityId);
        var http = FakeRequest(userAgent);
        var sessions = scope.ServiceProvider.GetRequiredService<ISessionService>();
        return await sessions.IssueAsync(identity, [new AuthenticationMethod("password", "aal1", DateTime.UtcNow)], http, CancellationToken.None);
    }

    public static DefaultHttpContext FakeRequest(string userAgent)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
        http.Request.Headers.UserAgent = userAgent;
        return http;
    }

    /// <summary>The Set-Cookie header the service writes for a session, as a browser would receive it.</summary>
    public static string SetCookieHeader(RunningServer server, IssuedSession session)
    {
        using var scope = server.Services.CreateScope();
        var http = new DefaultHttpContext();
        scope.ServiceProvider.GetRequiredService<ISessionService>().SetCookie(http, session);
        return http.Response.Headers.SetCookie.ToString();
    }

    /// <summary>The name=value part of a Set-Cookie header.</summary>
    public static string CookiePair(string setCookie) => setCookie.Split(';')[0];
}
