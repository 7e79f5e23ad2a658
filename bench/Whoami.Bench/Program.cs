// Compares, in one run, GET /sessions/whoami (session token) with the session cache on, with it off,
// and "the limit": a minimal ASP.NET Core endpoint that does one primary-key lookup on the same
// PostgreSQL database, through the same connection settings. The two whoami servers are separate
// processes started from the built server (`serve`), so their memory can be read: idle after start
// and after the load, and the peak while loaded. All three are driven over loopback by the same load
// generator (loadgen.c, a separate process): first as fast as possible (peak throughput), then paced at
// 80% of each one's peak to read p50/p99 latency, measured from each request's due time. Rounds
// alternate between the endpoints and each reports its best round. CPU per request is the server
// process's user+system time over a peak round divided by its requests.
//
//   dotnet run -c Release --project bench/Whoami.Bench -- postgres://user@127.0.0.1:5432/postgres [requests]
//
// The DSN names a server; the benchmark creates its own database there and drops nothing. It needs a
// C compiler (`cc`) to build the load generator.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using IdentityServer.Persistence;
using IdentityServer.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Whoami.Bench <postgres DSN of a server> [requests per round, default 40000]");
    return 2;
}
var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40_000;
const int SessionCount = 500;

var serverDsn = Dsn.Parse(args[0]);
var database = "bench_whoami_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
await using (var admin = new NpgsqlConnection(serverDsn.ConnectionString))
{
    await admin.OpenAsync();
    await new NpgsqlCommand($"CREATE DATABASE {database}", admin).ExecuteNonQueryAsync();
}
var dsn = new UriBuilder(new Uri(args[0])) { Path = "/" + database }.Uri.ToString();
var connectionString = Dsn.Parse(dsn).ConnectionString;

var repoRoot = new DirectoryInfo(AppContext.BaseDirectory);
while (repoRoot is not null && !File.Exists(Path.Combine(repoRoot.FullName, "IdentityServer.sln")))
    repoRoot = repoRoot.Parent;
var root = repoRoot?.FullName ?? throw new InvalidOperationException("IdentityServer.sln not found");
var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
var serverDll = Path.Combine(root, "src", "IdentityServer", "bin", configuration, "net10.0", "IdentityServer.dll");
if (!File.Exists(serverDll))
    throw new InvalidOperationException($"{serverDll} is missing: build the server first");
Console.WriteLine($"{Environment.ProcessorCount} cores, load average {LoadAverage()}, server {configuration} build, database {database}");

var work = Path.Combine(Path.GetTempPath(), $"bench-whoami-{Environment.ProcessId}");
Directory.CreateDirectory(work);
await using var cached = await ServerProcess.StartAsync("cache", serverDll, work, root, dsn, cacheEnabled: true);
await using var uncached = await ServerProcess.StartAsync("no-cache", serverDll, work, root, dsn, cacheEnabled: false);
await Task.Delay(TimeSpan.FromSeconds(3));
var idleRss = (Cached: cached.RssMb(), Uncached: uncached.RssMb());

// Identities through the admin API; their sessions written as a login writes them (only the token's hash is stored).
var tokens = new List<string>();
var sessionIds = new List<Guid>();
using (var adminClient = new HttpClient { BaseAddress = cached.AdminUrl })
await using (var db = new NpgsqlConnection(connectionString))
{
    await db.OpenAsync();
    for (var i = 0; i < SessionCount; i++)
    {
        var created = await adminClient.PostAsJsonAsync("/admin/identities", new JsonObject
        {
            ["schema_id"] = "default",
            ["traits"] = new JsonObject { ["email"] = $"bench-{i}-{Guid.NewGuid():N}@example.com" },
        });
        created.EnsureSuccessStatusCode();
        var identityId = Guid.Parse((await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        var token = SessionTokens.NewSessionToken();
        var sessionId = Guid.NewGuid();
        var now = DateTime.UtcNow;
        await using var insert = new NpgsqlCommand(
            "INSERT INTO sessions (id, identity_id, token_hash, active, expires_at, authenticated_at, issued_at, aal, authentication_methods, created_at, updated_at) " +
            "VALUES ($1, $2, $3, true, $4, $5, $5, 'aal1', $6::jsonb, $5, $5)", db);
        insert.Parameters.AddWithValue(sessionId);
        insert.Parameters.AddWithValue(identityId);
        insert.Parameters.AddWithValue(SessionTokens.Hash(token));
        insert.Parameters.AddWithValue(now.AddDays(1));
        insert.Parameters.AddWithValue(now);
        insert.Parameters.AddWithValue($$"""[{"method":"password","aal":"aal1","completed_at":"{{now:O}}"}]""");
        await insert.ExecuteNonQueryAsync();
        await using var device = new NpgsqlCommand(
            "INSERT INTO session_devices (id, session_id, ip_address, user_agent, location, created_at, updated_at) VALUES ($1, $2, '127.0.0.1', 'whoami-bench', NULL, $3, $3)", db);
        device.Parameters.AddWithValue(Guid.NewGuid());
        device.Parameters.AddWithValue(sessionId);
        device.Parameters.AddWithValue(now);
        await device.ExecuteNonQueryAsync();
        tokens.Add(token);
        sessionIds.Add(sessionId);
    }
    // Fresh tables have no planner statistics until autovacuum gets to them, which would leave every
    // endpoint on plans for empty tables for the first minutes; a running deployment has them.
    await new NpgsqlCommand("ANALYZE", db).ExecuteNonQueryAsync();
}

// The limit: one primary-key lookup per request on the same database, minimal endpoint.
await using var dataSource = NpgsqlDataSource.Create(connectionString);
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

// The load comes from a separate process, as wrk would send it, so it shares neither a server's
// thread pool nor its garbage collector. Every endpoint gets the same generator.
var generator = await LoadGenerator.BuildAsync(Path.Combine(root, "bench", "Whoami.Bench", "loadgen.c"), work);
var endpoints = new[]
{
    new Endpoint("limit (one PK lookup)", Path.Combine(work, "limit.txt"), null),
    new Endpoint("whoami, cache on", Path.Combine(work, "cached.txt"), cached),
    new Endpoint("whoami, cache off", Path.Combine(work, "uncached.txt"), uncached),
};
File.WriteAllLines(endpoints[0].Targets, sessionIds.Select(id => $"{new Uri(limitUrl, "/limit/" + id)}\t\t"));
File.WriteAllLines(endpoints[1].Targets, tokens.Select(t => $"{new Uri(cached.PublicUrl, "/sessions/whoami")}\tX-Session-Token\t{t}"));
File.WriteAllLines(endpoints[2].Targets, tokens.Select(t => $"{new Uri(uncached.PublicUrl, "/sessions/whoami")}\tX-Session-Token\t{t}"));

// Warm up each (JIT, connection pools, prepared statements, the cache) until two runs in a row agree
// within 5%: the JIT recompiles hot methods with profile data only after many calls. The machine may
// be shared, so the endpoints are then measured in alternating rounds and each keeps its best round.
foreach (var e in endpoints)
    await WarmUpAsync(e.Targets);
const int Rounds = 3;
foreach (var _ in Enumerable.Range(0, Rounds))
{
    foreach (var e in endpoints)
    {
        var cpuBefore = e.Server?.CpuSeconds() ?? ProcessCpuSeconds();
        var rate = await generator.PeakAsync(e.Targets, requests);
        var cpu = (e.Server?.CpuSeconds() ?? ProcessCpuSeconds()) - cpuBefore;
        if (rate > e.Peak)
        {
            e.Peak = rate;
            e.CpuMicrosPerRequest = cpu / requests * 1e6;
        }
    }
}
foreach (var _ in Enumerable.Range(0, Rounds))
{
    foreach (var e in endpoints)
    {
        var paced = await generator.PacedAsync(e.Targets, e.Peak * 0.8, requests);
        if (paced.P99 < e.Paced.P99)
            e.Paced = paced;
    }
}
var loadedRss = (Cached: cached.PeakRssMb(), Uncached: uncached.PeakRssMb());
await Task.Delay(TimeSpan.FromSeconds(5));
var afterRss = (Cached: cached.RssMb(), Uncached: uncached.RssMb());

Console.WriteLine();
Console.WriteLine($"{"endpoint",-24} {"peak req/s",11} {"of limit",9} {"paced req/s",12} {"p50 ms",8} {"p99 ms",8} {"p99/limit",10} {"CPU us/req",11}");
var limitEndpoint = endpoints[0];
foreach (var e in endpoints)
    Console.WriteLine($"{e.Name,-24} {e.Peak,11:F0} {e.Peak / limitEndpoint.Peak,9:P0} {e.Paced.Rate,12:F0} {e.Paced.P50,8:F2} {e.Paced.P99,8:F2} {e.Paced.P99 / limitEndpoint.Paced.P99,10:F2} {e.CpuMicrosPerRequest,11:F0}");
Console.WriteLine("(CPU of the limit is the benchmark process's, which hosts it.)");
Console.WriteLine();
Console.WriteLine($"{"server RSS (MB)",-24} {"idle after start",17} {"peak under load",16} {"5 s after load",15}");
Console.WriteLine($"{"whoami, cache on",-24} {idleRss.Cached,17:F0} {loadedRss.Cached,16:F0} {afterRss.Cached,15:F0}");
Console.WriteLine($"{"whoami, cache off",-24} {idleRss.Uncached,17:F0} {loadedRss.Uncached,16:F0} {afterRss.Uncached,15:F0}");
Console.WriteLine();
Report("whoami with the cache, peak", endpoints[1].Peak / limitEndpoint.Peak, ">= 200% of the limit", endpoints[1].Peak >= 2 * limitEndpoint.Peak, percent: true);
Report("whoami without the cache, peak", endpoints[2].Peak / limitEndpoint.Peak, ">= 90% of the limit", endpoints[2].Peak >= 0.9 * limitEndpoint.Peak, percent: true);
Report("whoami with the cache, p99 at 80%", endpoints[1].Paced.P99 / limitEndpoint.Paced.P99, "<= 1.25 x the limit's", endpoints[1].Paced.P99 <= 1.25 * limitEndpoint.Paced.P99, percent: false);
Report("whoami without the cache, p99 at 80%", endpoints[2].Paced.P99 / limitEndpoint.Paced.P99, "<= 1.25 x the limit's", endpoints[2].Paced.P99 <= 1.25 * limitEndpoint.Paced.P99, percent: false);
Report("idle RSS, cache on (MB)", idleRss.Cached, "< 100 MB", idleRss.Cached < 100, percent: false);
Console.WriteLine($"load average after the runs: {LoadAverage()}");
await limit.StopAsync();
Directory.Delete(work, recursive: true);
return 0;

static void Report(string what, double value, string target, bool met, bool percent) =>
    Console.WriteLine($"{what}: {(percent ? value.ToString("P0", CultureInfo.InvariantCulture) : value.ToString("F2", CultureInfo.InvariantCulture))} (target {target}): {(met ? "met" : "NOT met")}");

static double ProcessCpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

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

/// <summary>One measured endpoint and its best figures.</summary>
internal sealed class Endpoint(string name, string targets, ServerProcess? server)
{
    public string Name { get; } = name;
    public string Targets { get; } = targets;
    public ServerProcess? Server { get; } = server;
    public double Peak { get; set; }
    public double CpuMicrosPerRequest { get; set; }
    public (double Rate, double P50, double P99) Paced { get; set; } = (0, double.MaxValue, double.MaxValue);
}

/// <summary>The server, started with `serve` from its build output as a deployment would run it.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri publicUrl, Uri adminUrl)
    {
        _process = process;
        PublicUrl = publicUrl;
        AdminUrl = adminUrl;
    }

    public Uri PublicUrl { get; }
    public Uri AdminUrl { get; }

    public static async Task<ServerProcess> StartAsync(string name, string dll, string folder, string root, string dsn, bool cacheEnabled)
    {
        int publicPort = FreePort(), adminPort = FreePort();
        var config = Path.Combine(folder, name + ".yml");
        File.WriteAllText(config, $"""
            dsn: "{dsn}"
            database:
              migrate_on_start: true
            log:
              level: warning
            serve:
              public:
                host: 127.0.0.1
                port: {publicPort}
              admin:
                host: 127.0.0.1
                port: {adminPort}
            identity:
              default_schema_id: default
              schemas:
                - id: default
                  url: file://{Path.Combine(root, "identity-schemas", "email-password.schema.json")}
            secrets:
              cookie: ["a-bench-cookie-secret-of-32-chars"]
            selfservice:
              default_browser_return_url: http://127.0.0.1:4455/
            cache:
              sessions:
                enabled: {(cacheEnabled ? "true" : "false")}
            """);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var a in new[] { dll, "serve", "-c", config, "--watch-courier=false" })
            start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the server");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine($"[{name}] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine($"[{name}] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{publicPort}/"), new Uri($"http://127.0.0.1:{adminPort}/"));
        using var http = new HttpClient { BaseAddress = server.AdminUrl };
        for (var attempt = 0; ; attempt++)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"the {name} server exited with {process.ExitCode}");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                    return server;
            }
            catch (HttpRequestException) when (attempt < 300)
            {
            }
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string Status(string field) =>
        File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));

    private static double Megabytes(string line) =>
        double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;

    public double RssMb() => Megabytes(Status("VmRSS"));
    public double PeakRssMb() => Megabytes(Status("VmHWM"));

    /// <summary>User plus system CPU time of the server process so far.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
