// Compares GET /sessions/whoami (session token) with "the limit": a minimal ASP.NET Core endpoint in
// the same process that does one primary-key lookup on the same PostgreSQL database, through the same
// connection settings. Both are driven over loopback by the same load generator (loadgen.c, a separate
// process): first as fast as possible (peak throughput), then paced at 80% of each one's peak to read
// p50/p99 latency, measured from each request's due time. Rounds alternate between the two endpoints
// and each reports its best round.
//
//   dotnet run -c Release --project bench/Whoami.Bench -- postgres://user@127.0.0.1:5432/postgres [requests]
//
// The DSN names a server; the benchmark creates its own database there and drops nothing. It needs a
// C compiler (`cc`) to build the load generator.
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
    Console.Error.WriteLine("usage: Whoami.Bench <postgres DSN of a server> [requests per round, default 40000]");
    return 2;
}
var requests = args.Length > 1 ? int.Parse(args[1]) : 40_000;
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
var root = repoRoot?.FullName ?? throw new InvalidOperationException("IdentityServer.sln not found");
var schema = Path.Combine(root, "identity-schemas", "email-password.schema.json");
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

// Fresh tables have no planner statistics until autovacuum gets to them, which would leave both
// endpoints on plans for empty tables for the first minutes; a running deployment has them.
await using (var analyze = new NpgsqlConnection(Dsn.Parse(dsn).ConnectionString))
{
    await analyze.OpenAsync();
    await new NpgsqlCommand("ANALYZE", analyze).ExecuteNonQueryAsync();
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

// The load comes from a second process, as wrk would send it, so it shares neither the server's
// thread pool nor its garbage collector. Both endpoints get the same generator.
var targets = Path.Combine(Path.GetTempPath(), $"bench-whoami-{Environment.ProcessId}");
Directory.CreateDirectory(targets);
var generator = await LoadGenerator.BuildAsync(Path.Combine(root, "bench", "Whoami.Bench", "loadgen.c"), targets);
var whoamiTargets = Path.Combine(targets, "whoami.txt");
var limitTargets = Path.Combine(targets, "limit.txt");
File.WriteAllLines(whoamiTargets, tokens.Select(t => $"{new Uri(server.PublicUrl, "/sessions/whoami")}\tX-Session-Token\t{t}"));
File.WriteAllLines(limitTargets, sessionIds.Select(id => $"{new Uri(limitUrl, "/limit/" + id)}\t\t"));

// Warm up both (JIT, connection pools, prepared statements) until two runs in a row agree within 5%:
// the JIT recompiles hot methods with profile data only after many calls. The machine may be shared,
// so the two endpoints are then measured in alternating rounds and each keeps its best round.
await WarmUpAsync(whoamiTargets);
await WarmUpAsync(limitTargets);
const int Rounds = 3;
double limitPeak = 0, whoamiPeak = 0;
for (var round = 0; round < Rounds; round++)
{
    limitPeak = Math.Max(limitPeak, await generator.PeakAsync(limitTargets, requests));
    whoamiPeak = Math.Max(whoamiPeak, await generator.PeakAsync(whoamiTargets, requests));
}
(double Rate, double P50, double P99) limitPaced = (0, double.MaxValue, double.MaxValue), whoamiPaced = limitPaced;
for (var round = 0; round < Rounds; round++)
{
    var l = await generator.PacedAsync(limitTargets, limitPeak * 0.8, requests);
    if (l.P99 < limitPaced.P99) limitPaced = l;
    var w = await generator.PacedAsync(whoamiTargets, whoamiPeak * 0.8, requests);
    if (w.P99 < whoamiPaced.P99) whoamiPaced = w;
}
Directory.Delete(targets, recursive: true);

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

async Task WarmUpAsync(string file)
{
    var previous = 0.0;
    for (var run = 0; run < 12; run++)
    {
        var rate = await generator.PeakAsync(file, 30_000);
        if (Math.Abs(rate - previous) < 0.05 * rate)
            return;
        previous = rate;
    }
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
