using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Hosting;
using IdentityServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Flows;

/// <summary>
/// A server with verification and recovery enabled (by code, or by link) whose courier delivers its
/// messages over SMTP to a sink on loopback, where the tests read them. Its clock can be moved
/// forward to let codes and flows expire.
/// </summary>
public abstract class AddressFlowFixture : IAsyncLifetime
{
    public const string AppUrl = FlowFixture.AppUrl;

    public RunningServer Server { get; private set; } = null!;
    public Api Admin { get; private set; } = null!;
    public SmtpSink Smtp { get; } = SmtpSink.Start();
    public Mailbox Mail { get; }
    public ShiftableClock Clock { get; } = new();

    protected AddressFlowFixture() => Mail = new Mailbox(Smtp);

    protected abstract Task<string> CreateDsnAsync();

    /// <summary>code or link, for both verification and recovery.</summary>
    public virtual string Use => "code";

    public async Task InitializeAsync()
    {
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
            courier:
              smtp:
                connection_uri: {Smtp.ConnectionUri()}
                from_address: accounts@example.com
              worker:
                pull_wait: 50ms
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
              methods:
                password:
                  config:
                    haveibeenpwned_enabled: false
                link:
                  enabled: true
                code:
                  config:
                    max_submissions: 5
              flows:
                error:
                  ui_url: {AppUrl}/error
                login:
                  ui_url: {AppUrl}/login
                registration:
                  ui_url: {AppUrl}/registration
                  after:
                    password:
                      hooks:
                        - hook: session
                        - hook: show_verification_ui
                settings:
                  ui_url: {AppUrl}/settings
                verification:
                  enabled: true
                  use: {Use}
                  lifespan: 3h
                  ui_url: {AppUrl}/verification
                  notify_unknown_recipients: true
                  after:
                    default_browser_return_url: {AppUrl}/verified
                recovery:
                  enabled: true
                  use: {Use}
                  lifespan: 3h
                  ui_url: {AppUrl}/recovery
                  notify_unknown_recipients: true
            """;
        Server = await ServerApp.StartAsync(new ServeRequest([TestServer.WriteConfig(yaml)], Dev: true)
        {
            Environment = new Dictionary<string, string>(),
            PortOverride = 0,
            ConfigureServices = services =>
            {
                services.AddSingleton<TimeProvider>(Clock);
            },
        });
        Admin = new Api(Server.AdminUrl);
    }

    public FlowClient Browser() => new(Server.PublicUrl);
    public FlowClient Native() => new(Server.PublicUrl, cookies: false);

    /// <summary>An identity made through the admin API, with a password and an unverified address.</summary>
    public async Task<Guid> CreateIdentityAsync(string email, string state = "active")
    {
        var reply = await Admin.Post("/admin/identities", new JsonObject
        {
            ["schema_id"] = "default",
            ["state"] = state,
            ["traits"] = new JsonObject { ["email"] = email },
            ["credentials"] = new JsonObject { ["password"] = new JsonObject { ["config"] = new JsonObject { ["password"] = FlowTestSteps.Password } } },
        });
        Assert.True(reply.Code == 201, reply.Body?.ToJsonString());
        return Guid.Parse(reply.Json["id"]!.GetValue<string>());
    }

    public async Task<JsonNode> AddressOf(Guid identityId) =>
        (await Admin.Get($"/admin/identities/{identityId}")).Json["verifiable_addresses"]![0]!;

    /// <summary>Starts a browser flow like a server-rendered UI: 303 to the UI, then fetch it with the cookies.</summary>
    public static async Task<JsonNode> StartBrowserFlow(FlowClient browser, string kind, string query = "")
    {
        var init = await browser.GetBrowser($"/self-service/{kind}/browser{query}");
        Assert.True(init.Status == HttpStatusCode.SeeOther, init.ToString());
        Assert.StartsWith($"{AppUrl}/{kind}?flow=", init.Location);
        return await FetchFromUi(browser, kind, init.Location!);
    }

    /// <summary>What a UI at <paramref name="uiUrl"/> does: reads the flow id from the query and fetches the flow.</summary>
    public static async Task<JsonNode> FetchFromUi(FlowClient client, string kind, string uiUrl)
    {
        var id = uiUrl.Split("flow=")[1].Split('&')[0];
        var flow = await client.GetJson($"/self-service/{kind}/flows?id={id}");
        Assert.True(flow.Code == 200, flow.ToString());
        return flow.Json;
    }

    public virtual async Task DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

public sealed class PostgresCodeFlowFixture : AddressFlowFixture
{
    protected override Task<string> CreateDsnAsync() => TestDatabases.CreatePostgresAsync();
}

public sealed class SqliteCodeFlowFixture : AddressFlowFixture
{
    protected override Task<string> CreateDsnAsync() => Task.FromResult(TestDatabases.CreateSqlite());
}

public sealed class PostgresLinkFlowFixture : AddressFlowFixture
{
    public override string Use => "link";
    protected override Task<string> CreateDsnAsync() => TestDatabases.CreatePostgresAsync();
}

public sealed class SqliteLinkFlowFixture : AddressFlowFixture
{
    public override string Use => "link";
    protected override Task<string> CreateDsnAsync() => Task.FromResult(TestDatabases.CreateSqlite());
}
