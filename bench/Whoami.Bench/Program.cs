// Compares GET /sessions/whoami (session token) with "the limit": a minimal ASP.NET Core endpoint in
// the same process that does one primary-key lookup on the same PostgreSQL database. Both are driven
// over loopback by the same bounded load generator: first as fast as possible (peak throughput), then
// paced at 80% of each one's peak to read p50/p99 latency (measured from each request's scheduled start).
// Rounds alternate between the two endpoints and each reports its best round.
//
//   dotnet run -c Release --project bench/Whoami.Bench -- postgres://user@127.0.0.1:5432/postgres [requests] [workers]
//
// The DSN names a server; the benchmark creates its own database there and drops nothing.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IdentityServer.Hosting;
using IdentityServer.Persistence;
using IdentityServer.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Whoami.Bench <postgres DSN of a server> [requests per run, default 20000] [workers, default 16]");
    return 2;
}
var requests = args.Length > 1 ? int.Parse(args[1]) : 20_000;
var workers = args.Length > 2 ? int.Parse(args[2]) : 16;
const int SessionCount = 500;

var serverDsn = Dsn.Parse(args[0]);
var database = "bench_whoami_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
await using (var admin = new NpgsqlConnection(serverDsn.ConnectionString))
{
    await admin.OpenAsync();
    await new NpgsqlCommand($"CREATE DATABASE {database}", admin).ExecuteNonQueryAsync();
}
var dsn = new UriBuilder(new Uri(args[0])) { Path = "/" + database }.Uri.ToString();

var repoRoot = new DirectoryInfo(AppContext.BaseDirectory);
while (repoRoot is not null && !File.Exists(Path.Combine(repoRoot.FullName, "IdentityServer.sln")))
    repoRoot = repoRoot.Parent;
var schema = Path.Combine(repoRoot?.FullName ?? throw new InvalidOperationException("IdentityServer.sln not found"), "identity-schemas", "email-password.schema.json");
var config = Path.Combine(Path.GetTempPath(), "bench-whoami-kratos.yml");
File.WriteAllText(config, $"""
dsn: "{dsn}"
database:
  migrate_on_start: true
log:
  level: warning
serve:
  public:
    host: 127.0.0.1
  admin:
    host: 127.0.0.1
identity:
  default_schema_id: default
  schemas:
    - id: default
      url: file://{schema}
secrets:
  cookie: ["a-bench-cookie-secret-of-32-chars"]
selfservice:
  default_browser_return_url: http://127.0.0.1:4455/
""");

await using var server = await ServerApp.StartAsync(new ServeRequest([config]) { PortOverride = 0 });
Console.WriteLine($"Server on {server.PublicUrl}, database {database}, {Environment.ProcessorCount} cores, load average {LoadAverage()}");

// Sessions for distinct identities, issued the way a login would.
var tokens = new List<string>();
var sessionIds = new List<Guid>();
using (var adminClient = new HttpClient { BaseAddress = server.AdminUrl })
{
    for (var i = 0; i < SessionCount; i++)
    {
        var created = await adminClient.PostAsJsonAsync("/admin/identities", new JsonObject
        {
            ["schema_id"] = "default",
            ["traits"] = new JsonObject { ["email"] = $"bench-{i}-{Guid.NewGuid():N}@example.com" },
        });
        created.EnsureSuccessStatusCode();
        var id = Guid.Parse((await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        using var scope = server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var identity = await db.Identities.Include(x => x.VerifiableAddresses).Include(x => x.RecoveryAddresses).FirstAsync(x => x.Id == id);
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Loopback;
        http.Request.Headers.UserAgent = "whoami-bench";
        var issued = await scope.ServiceProvider.GetRequiredService<ISessionService>()
            .IssueAsync(identity, [new AuthenticationMethod("password", "aal1", DateTime.UtcNow)], http, CancellationToken.None);
        tokens.Add(issued.Token);
        sessionIds.Add(issued.SessionId);
    }
}

// The limit: one primary-key lookup per request on the same database, minimal endpoint.
await using var dataSource = NpgsqlDataSource.Create(Dsn.Parse(dsn).ConnectionString);
var limitBuilder = WebApplication.CreateSlimBuilder();
limitBuilder.Logging.ClearProviders();
limitBuilder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
await using var limit = limitBuilder.Build();
limit.MapGet("/limit/{id:guid}", async (Guid id, HttpContext context) =>
{
    await using var cmd = dataSource.CreateCommand("SELECT id, identity_id, active, expires_at FROM sessions WHERE id = $1");
    cmd.Parameters.Add(new NpgsqlParameter { Value = id });
    await using var reader = await cmd.ExecuteReaderAsync();
    if (!await reader.ReadAsync())
        return Results.NotFound();
    return Results.Json(new { id = reader.GetGuid(0), identity_id = reader.GetGuid(1), active = reader.GetBoolean(2), expires_at = reader.GetDateTime(3) });
});
await limit.StartAsync();
var limitUrl = new Uri(limit.Urls.First());

using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = workers * 2, UseCookies = false })
{
    Timeout = TimeSpan.FromSeconds(30),
};

HttpRequestMessage Whoami(int i)
{
    var r = new HttpRequestMessage(HttpMethod.Get, new Uri(server.PublicUrl, "/sessions/whoami"));
    r.Headers.Add("X-Session-Token", tokens[i % tokens.Count]);
    return r;
}
HttpRequestMessage Limit(int i) => new(HttpMethod.Get, new Uri(limitUrl, "/limit/" + sessionIds[i % sessionIds.Count]));

// Warm up both (JIT, connection pools, prepared statements). The machine may be shared, so the two
// endpoints are measured in alternating rounds and each keeps its best round.
await Peak(Whoami, 2000);
await Peak(Limit, 2000);
const int Rounds = 3;
double limitPeak = 0, whoamiPeak = 0;
for (var round = 0; round < Rounds; round++)
{
    limitPeak = Math.Max(limitPeak, await Peak(Limit, requests / Rounds));
    whoamiPeak = Math.Max(whoamiPeak, await Peak(Whoami, requests / Rounds));
}
(double Rate, double P50, double P99) limitPaced = (0, double.MaxValue, double.MaxValue), whoamiPaced = limitPaced;
for (var round = 0; round < Rounds; round++)
{
    var l = await Paced(Limit, limitPeak * 0.8, requests / Rounds);
    if (l.P99 < limitPaced.P99) limitPaced = l;
    var w = await Paced(Whoami, whoamiPeak * 0.8, requests / Rounds);
    if (w.P99 < whoamiPaced.P99) whoamiPaced = w;
}

Console.WriteLine();
Console.WriteLine($"{"endpoint",-28} {"peak req/s",12} {"paced req/s",12} {"p50 ms",8} {"p99 ms",8}");
Console.WriteLine($"{"limit (one PK lookup)",-28} {limitPeak,12:F0} {limitPaced.Rate,12:F0} {limitPaced.P50,8:F2} {limitPaced.P99,8:F2}");
Console.WriteLine($"{"GET /sessions/whoami",-28} {whoamiPeak,12:F0} {whoamiPaced.Rate,12:F0} {whoamiPaced.P50,8:F2} {whoamiPaced.P99,8:F2}");
Console.WriteLine();
var ratio = whoamiPeak / limitPeak;
Console.WriteLine($"whoami / limit throughput: {ratio:P0} (target >= 70%): {(ratio >= 0.7 ? "met" : "NOT met")}");
Console.WriteLine($"whoami p99 at 80% of peak: {whoamiPaced.P99:F2} ms (target < 10 ms): {(whoamiPaced.P99 < 10 ? "met" : "NOT met")}");
Console.WriteLine($"load average after the runs: {LoadAverage()}");
await limit.StopAsync();
return 0;

// Closed loop: `workers` concurrent clients send `count` requests as fast as answers come back.
async Task<double> Peak(Func<int, HttpRequestMessage> make, int count)
{
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            using var response = await client.SendAsync(make(i));
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}");
            await response.Content.ReadAsByteArrayAsync();
        }
    }));
    return count / clock.Elapsed.TotalSeconds;
}

// Open loop: request i is due at start + i / rate; latency counts from that due time, so a slow
// answer that delays later requests shows up in their latency too.
async Task<(double Rate, double P50, double P99)> Paced(Func<int, HttpRequestMessage> make, double rate, int count)
{
    var latencies = new double[count];
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, workers * 4).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            var due = i / rate;
            var wait = due - clock.Elapsed.TotalSeconds;
            if (wait > 0.001)
                await Task.Delay(TimeSpan.FromSeconds(wait));
            while (clock.Elapsed.TotalSeconds < due)
                Thread.SpinWait(50);
            using var response = await client.SendAsync(make(i));
            await response.Content.ReadAsByteArrayAsync();
            latencies[i] = (clock.Elapsed.TotalSeconds - due) * 1000;
        }
    }));
    var elapsed = clock.Elapsed.TotalSeconds;
    Array.Sort(latencies);
    return (count / elapsed, latencies[count / 2], latencies[(int)(count * 0.99)]);
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
