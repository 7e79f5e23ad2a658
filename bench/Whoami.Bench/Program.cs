// Compares GET /sessions/whoami (session token) with "the limit": a minimal ASP.NET Core endpoint in
// the same process that does one primary-key lookup on the same PostgreSQL database. Both are driven
// over loopback by the same load generator, a child process: first as fast as possible (peak
// throughput), then paced at 80% of each one's peak to read p50/p99 latency (measured from each
// request's scheduled start). Rounds alternate between the two endpoints and each reports its best round.
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

if (args.Length > 0 && args[0] == LoadGenerator.Command)
    return await LoadGenerator.RunAsync(args[1..]);
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

// The load comes from a second process, as wrk would send it: the generator's threads and garbage
// collections do not share the server's thread pool. Both endpoints get the same generator.
var targets = Path.Combine(Path.GetTempPath(), $"bench-whoami-targets-{Environment.ProcessId}");
Directory.CreateDirectory(targets);
var whoamiTargets = Path.Combine(targets, "whoami.txt");
var limitTargets = Path.Combine(targets, "limit.txt");
File.WriteAllLines(whoamiTargets, tokens.Select(t => $"{new Uri(server.PublicUrl, "/sessions/whoami")}\tX-Session-Token\t{t}"));
File.WriteAllLines(limitTargets, sessionIds.Select(id => $"{new Uri(limitUrl, "/limit/" + id)}\t\t"));

// Warm up both (JIT, connection pools, prepared statements). The machine may be shared, so the two
// endpoints are measured in alternating rounds and each keeps its best round.
await LoadGenerator.PeakAsync(whoamiTargets, 2000, workers);
await LoadGenerator.PeakAsync(limitTargets, 2000, workers);
const int Rounds = 3;
double limitPeak = 0, whoamiPeak = 0;
for (var round = 0; round < Rounds; round++)
{
    limitPeak = Math.Max(limitPeak, await LoadGenerator.PeakAsync(limitTargets, requests / Rounds, workers));
    whoamiPeak = Math.Max(whoamiPeak, await LoadGenerator.PeakAsync(whoamiTargets, requests / Rounds, workers));
}
(double Rate, double P50, double P99) limitPaced = (0, double.MaxValue, double.MaxValue), whoamiPaced = limitPaced;
for (var round = 0; round < Rounds; round++)
{
    var l = await LoadGenerator.PacedAsync(limitTargets, limitPeak * 0.8, requests / Rounds);
    if (l.P99 < limitPaced.P99) limitPaced = l;
    var w = await LoadGenerator.PacedAsync(whoamiTargets, whoamiPeak * 0.8, requests / Rounds);
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

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
