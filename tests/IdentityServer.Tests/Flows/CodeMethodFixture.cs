using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IdentityServer.Courier;
using IdentityServer.Hosting;
using IdentityServer.Persistence;
using IdentityServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace IdentityServer.Tests.Flows;

/// <summary>
/// A server with the code method: passwordless (code as first factor, password off) or as a second
/// factor (password on, `mfa_enabled`). The identity schema marks the email as password and code
/// identifier and as verifiable address. Codes travel as real mail: the courier delivers over SMTP to a
/// sink on loopback, and the tests read the code from the delivered message.
/// </summary>
public abstract class CodeMethodFixture : IAsyncLifetime
{
    public RunningServer Server { get; private set; } = null!;
    public Api Admin { get; private set; } = null!;
    public CodeInbox Inbox { get; private set; } = null!;
    public SmsGateway Sms { get; private set; } = null!;

    protected abstract Task<string> CreateDsnAsync();

    /// <summary>YAML of `selfservice.methods` that differs per fixture.</summary>
    protected abstract string Methods { get; }

    /// <summary>The login form style: unified (Kratos's default) or identifier_first.</summary>
    protected virtual string LoginStyle => "unified";

    public async Task InitializeAsync()
    {
        Inbox = new CodeInbox(SmtpSink.Start(SmtpSink.Security.None));
        Sms = await SmsGateway.StartAsync();
        // The SMS provider gets what Kratos's documented HTTP channel sends: recipient and text.
        var smsBody = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("function(ctx) { To: ctx.recipient, Body: ctx.body }"));
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
                connection_uri: "{Inbox.Sink.ConnectionUri()}"
                from_address: accounts@example.org
              worker:
                pull_wait: 50ms
              channels:
                - id: sms
                  type: http
                  request_config:
                    url: {Sms.Url}/messages
                    method: POST
                    body: base64://{smsBody}
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
                  style: {LoginStyle}
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
        });
        Admin = new Api(Server.AdminUrl);
        Inbox.Server = Server;
    }

    public FlowClient Browser() => new(Server.PublicUrl);
    public FlowClient Native() => new(Server.PublicUrl, cookies: false);

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
        await Inbox.Sink.DisposeAsync();
        await Sms.DisposeAsync();
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

/// <summary>Passwordless code login behind the identifier-first form.</summary>
public sealed class SqliteIdentifierFirstCodeFixture : PasswordlessCodeFixture
{
    protected override string LoginStyle => "identifier_first";
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
/// A mailbox per recipient on the SMTP sink. Tests read messages in the order they were sent: each
/// call waits for the next delivered message to the address and takes the code from its text.
/// </summary>
public sealed class CodeInbox(SmtpSink sink)
{
    private readonly ConcurrentDictionary<string, int> _read = new(StringComparer.OrdinalIgnoreCase);

    public SmtpSink Sink { get; } = sink;
    public RunningServer Server { get; set; } = null!;

    /// <summary>The next delivered message to the recipient; its subject names the kind of code.</summary>
    public async Task<MimeMessage> NextMessageAsync(string recipient)
    {
        var index = _read.AddOrUpdate(recipient, 1, (_, n) => n + 1) - 1;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < until)
        {
            var delivered = Sink.MessagesTo(recipient);
            if (delivered.Count > index)
                return delivered[index].Message;
            await Task.Delay(20);
        }
        throw new TimeoutException($"message {index + 1} to {recipient} did not arrive");
    }

    /// <summary>The code in the next message to the recipient: a sign-in code for login_code_valid, a sign-up code else.</summary>
    public async Task<string> NextCodeAsync(string recipient, string template)
    {
        var mail = await NextMessageAsync(recipient);
        Assert.StartsWith(template == "login_code_valid" ? "Your sign-in code: " : "Your sign-up code: ", mail.Subject);
        var code = Regex.Match(mail.TextBody ?? "", "\\b[0-9]{6}\\b").Value;
        Assert.Matches("^[0-9]{6}$", code);
        Assert.EndsWith(code, mail.Subject);
        Assert.Contains(code, mail.HtmlBody);
        return code;
    }

    /// <summary>The messages the flows wrote to the outbox for the recipient, with their template data, oldest first.</summary>
    public async Task<IReadOnlyList<(string TemplateType, string Channel, JsonObject Data)>> QueuedForAsync(string recipient)
    {
        using var scope = Server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var rows = await db.Set<CourierMessage>().AsNoTracking().Where(m => m.Recipient == recipient)
            .OrderBy(m => m.CreatedAt).ToListAsync();
        return rows.Select(m => (m.TemplateType, m.Channel, JsonNode.Parse(m.TemplateData)!.AsObject())).ToList();
    }
}

/// <summary>A loopback SMS provider: keeps every text it is asked to send, by recipient.</summary>
public sealed class SmsGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _texts = new();
    private readonly ConcurrentDictionary<string, int> _read = new();

    private SmsGateway(WebApplication app) => _app = app;

    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<SmsGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var gateway = new SmsGateway(app);
        app.MapPost("/messages", async (HttpRequest request) =>
        {
            var body = await JsonNode.ParseAsync(request.Body);
            var to = body!["To"]!.GetValue<string>();
            gateway._texts.GetOrAdd(to, _ => new ConcurrentQueue<string>()).Enqueue(body["Body"]!.GetValue<string>());
            return Results.Json(new { status = "queued" }, statusCode: 201);
        });
        await app.StartAsync();
        return gateway;
    }

    public IReadOnlyList<string> TextsTo(string recipient) => _texts.TryGetValue(recipient, out var q) ? q.ToList() : [];

    /// <summary>The code in the next text to the recipient.</summary>
    public async Task<string> NextCodeAsync(string recipient)
    {
        var index = _read.AddOrUpdate(recipient, 1, (_, n) => n + 1) - 1;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < until)
        {
            var texts = TextsTo(recipient);
            if (texts.Count > index)
            {
                var code = Regex.Match(texts[index], "\\b[0-9]{6}\\b").Value;
                Assert.Matches("^[0-9]{6}$", code);
                return code;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"text {index + 1} to {recipient} did not arrive");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
