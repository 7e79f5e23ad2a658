using System.Collections.Concurrent;
using IdentityServer.Courier;
using IdentityServer.Hosting;
using IdentityServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Flows;

/// <summary>
/// A server with the code method: passwordless (code as first factor, password off) or as a second
/// factor (password on, `mfa_enabled`). The identity schema marks the email as password and code
/// identifier and as verifiable address.
/// </summary>
public abstract class CodeMethodFixture : IAsyncLifetime
{
    public RunningServer Server { get; private set; } = null!;
    public Api Admin { get; private set; } = null!;
    public CodeInbox Inbox { get; } = new();

    protected abstract Task<string> CreateDsnAsync();

    /// <summary>YAML of `selfservice.methods` that differs per fixture.</summary>
    protected abstract string Methods { get; }

    public async Task InitializeAsync()
    {
        var schema = Path.Combine(AppContext.BaseDirectory, "TestData", "code-identity.schema.json");
        var app = FlowFixture.AppUrl;
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
                connection_uri: smtp://127.0.0.1:1025/
            secrets:
              cookie: ["a-test-cookie-secret-of-32-chars!"]
              cipher: ["a-test-cipher-secret-of-32-chars"]
            hashers:
              algorithm: bcrypt
              bcrypt:
                cost: 4
            selfservice:
              default_browser_return_url: {app}/
              methods:
            {Methods}
              flows:
                error:
                  ui_url: {app}/error
                login:
                  ui_url: {app}/login
                registration:
                  ui_url: {app}/registration
                  after:
                    code:
                      hooks:
                        - hook: session
                    password:
                      hooks:
                        - hook: session
            """;
        Server = await ServerApp.StartAsync(new ServeRequest([TestServer.WriteConfig(yaml)], Dev: true)
        {
            Environment = new Dictionary<string, string>(),
            PortOverride = 0,
            ConfigureServices = services => services.AddSingleton<ICourierOutbox>(Inbox),
        });
        Admin = new Api(Server.AdminUrl);
    }

    public FlowClient Browser() => new(Server.PublicUrl);
    public FlowClient Native() => new(Server.PublicUrl, cookies: false);

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
    }
}

public abstract class PasswordlessCodeFixture : CodeMethodFixture
{
    protected override string Methods => """
                password:
                  enabled: false
                code:
                  passwordless_enabled: true
                  config:
                    lifespan: 15m
                    max_submissions: 5
        """;
}

public abstract class MfaCodeFixture : CodeMethodFixture
{
    protected override string Methods => """
                password:
                  config:
                    haveibeenpwned_enabled: false
                code:
                  mfa_enabled: true
        """;
}

public sealed class PostgresPasswordlessCodeFixture : PasswordlessCodeFixture
{
    protected override Task<string> CreateDsnAsync() => TestDatabases.CreatePostgresAsync();
}

public sealed class SqlitePasswordlessCodeFixture : PasswordlessCodeFixture
{
    protected override Task<string> CreateDsnAsync() => Task.FromResult(TestDatabases.CreateSqlite());
}

public sealed class PostgresMfaCodeFixture : MfaCodeFixture
{
    protected override Task<string> CreateDsnAsync() => TestDatabases.CreatePostgresAsync();
}

public sealed class SqliteMfaCodeFixture : MfaCodeFixture
{
    protected override Task<string> CreateDsnAsync() => Task.FromResult(TestDatabases.CreateSqlite());
}

/// <summary>
/// The messages the server queued, by recipient, as a person would find them in a mailbox: the test
/// takes the code from the latest one.
/// </summary>
public sealed class CodeInbox : ICourierOutbox
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<OutgoingMessage>> _byRecipient = new();

    public Task QueueAsync(OutgoingMessage message, CancellationToken ct)
    {
        _byRecipient.GetOrAdd(message.Recipient, _ => new ConcurrentQueue<OutgoingMessage>()).Enqueue(message);
        return Task.CompletedTask;
    }

    public IReadOnlyList<OutgoingMessage> MessagesFor(string recipient) =>
        _byRecipient.TryGetValue(recipient, out var queue) ? queue.ToList() : [];

    /// <summary>The code in the latest message to the recipient, checking the template it was sent with.</summary>
    public string LatestCode(string recipient, string template)
    {
        var message = MessagesFor(recipient).LastOrDefault() ?? throw new InvalidOperationException($"No message was sent to {recipient}.");
        Assert.Equal(template, message.TemplateType);
        var field = template == "login_code_valid" ? "LoginCode" : "RegistrationCode";
        var code = message.TemplateData[field]!.GetValue<string>();
        Assert.Matches("^[0-9]{6}$", code);
        return code;
    }
}
