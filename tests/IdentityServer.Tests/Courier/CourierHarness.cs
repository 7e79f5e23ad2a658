using System.Text.Json.Nodes;
using IdentityServer.Courier;
using IdentityServer.Hosting;
using IdentityServer.Persistence;
using IdentityServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Courier;

/// <summary>A running server with a given courier configuration, and helpers to queue and inspect messages.</summary>
public sealed class CourierHarness : IAsyncDisposable
{
    private CourierHarness(RunningServer server, string dsn)
    {
        Server = server;
        Dsn = dsn;
        Admin = new Api(server.AdminUrl);
    }

    public RunningServer Server { get; }
    public string Dsn { get; }
    public Api Admin { get; }

    /// <summary>A fast worker for tests: pull every 50 ms, so retries come after 50 ms, 250 ms, 1.25 s, ...</summary>
    public const string FastWorker = "\n  worker:\n    pull_wait: 50ms\n";

    public static async Task<CourierHarness> StartAsync(string kind, string courierYaml, string extraYaml = "", bool dev = true, bool dispatcher = true)
        => await StartOnAsync(await TestDatabases.CreateAsync(kind), courierYaml, extraYaml, dev, dispatcher);

    public static async Task<CourierHarness> StartOnAsync(string dsn, string courierYaml, string extraYaml = "", bool dev = true, bool dispatcher = true)
    {
        var yaml = TestServer.MinimalConfig(dsn, "courier:\n" + courierYaml.TrimEnd() + "\n" + extraYaml);
        var server = await ServerApp.StartAsync(new ServeRequest([TestServer.WriteConfig(yaml)], Dev: dev, WatchCourier: dispatcher)
        {
            Environment = new Dictionary<string, string>(),
            PortOverride = 0,
        });
        return new CourierHarness(server, dsn);
    }

    public static string Recipient() => $"user-{Guid.NewGuid():N}@example.com";

    /// <summary>Queues messages the way a flow does: through the outbox in a request scope, then one SaveChanges.</summary>
    public async Task QueueAsync(params OutgoingMessage[] messages)
    {
        using var scope = Server.Services.CreateScope();
        var outbox = scope.ServiceProvider.GetRequiredService<ICourierOutbox>();
        foreach (var message in messages)
            await outbox.QueueAsync(message, CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().SaveChangesAsync();
    }

    public static OutgoingMessage VerificationCode(string to, string code = "123456") => new("verification_code_valid", OutgoingMessage.Email, to, new JsonObject
    {
        ["To"] = to,
        ["VerificationCode"] = code,
        ["VerificationURL"] = "https://app.example.com/verify?code=" + code,
        ["RequestURL"] = "https://app.example.com/self-service/verification",
        ["Identity"] = new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["traits"] = new JsonObject { ["email"] = to } },
    });

    /// <summary>The messages to a recipient from the admin API (newest first).</summary>
    public async Task<JsonArray> MessagesTo(string recipient)
    {
        var reply = await Admin.Get($"/admin/courier/messages?recipient={Uri.EscapeDataString(recipient)}");
        Assert.Equal(200, reply.Code);
        return reply.Json.AsArray();
    }

    /// <summary>The only message to a recipient, with its dispatches, from the admin API.</summary>
    public async Task<JsonObject> MessageTo(string recipient)
    {
        var list = await MessagesTo(recipient);
        var only = Assert.Single(list);
        var reply = await Admin.Get($"/admin/courier/messages/{only!["id"]}");
        Assert.Equal(200, reply.Code);
        return reply.Json.AsObject();
    }

    /// <summary>Waits until the message to <paramref name="recipient"/> satisfies the condition (read through the admin API).</summary>
    public async Task<JsonObject> WaitForMessageAsync(string recipient, Func<JsonObject, bool> condition, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        JsonObject? last = null;
        while (DateTime.UtcNow < until)
        {
            if ((await MessagesTo(recipient)).Count == 1)
            {
                last = await MessageTo(recipient);
                if (condition(last)) return last;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"the message to {recipient} did not reach the expected state; last seen: {last?.ToJsonString() ?? "none"}");
    }

    public static string Status(JsonObject message) => message["status"]!.GetValue<string>();

    public static JsonArray Dispatches(JsonObject message) => message["dispatches"]?.AsArray() ?? [];

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
    }
}
