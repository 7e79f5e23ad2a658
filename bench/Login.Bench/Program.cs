// Password login throughput through the HTTP API (native flows: create flow, submit identifier and
// password) at bcrypt cost 10, side by side with raw BCrypt.Verify on the same cores.
//
//   dotnet run -c Release --project bench/Login.Bench -- [DSN] [seconds per phase, default 15]
//
// The DSN defaults to a fresh SQLite file; a postgres:// DSN names a server on which the bench
// creates its own database. Run it on an otherwise idle machine.
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IdentityServer.Hosting;
using IdentityServer.Persistence;
using IdentityServer.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

var seconds = args.Length > 1 ? int.Parse(args[1]) : 15;
var dsn = args.Length > 0 ? await PrepareDatabase(args[0]) : "sqlite://" + Path.Combine(Path.GetTempPath(), $"login-bench-{Guid.NewGuid():N}.db") + "?_fk=true";
const int Cost = 10;
const string Password = "bench-password-that-is-long-enough";
var cores = Environment.ProcessorCount;

var schema = Path.Combine(Path.GetTempPath(), "login-bench.schema.json");
File.WriteAllText(schema, """
{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "traits": {
      "type": "object",
      "properties": {
        "email": { "type": "string", "format": "email",
          "ory.sh/kratos": { "credentials": { "password": { "identifier": true } } } }
      },
      "required": ["email"]
    }
  }
}
""");
var config = Path.Combine(Path.GetTempPath(), "login-bench.yml");
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
hashers:
  algorithm: bcrypt
  bcrypt:
    cost: {Cost}
selfservice:
  default_browser_return_url: http://127.0.0.1:4455/
  methods:
    password:
      config:
        haveibeenpwned_enabled: false
""");

await using var server = await ServerApp.StartAsync(new ServeRequest([config]) { PortOverride = 0 });
using var admin = new HttpClient { BaseAddress = server.AdminUrl, Timeout = TimeSpan.FromMinutes(2) };
using var pub = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 64 })
{
    BaseAddress = server.PublicUrl, Timeout = TimeSpan.FromMinutes(2),
};

var emails = Enumerable.Range(0, 16).Select(i => $"bench-{i}-{Guid.NewGuid():N}@example.com").ToList();
foreach (var email in emails)
{
    var created = await admin.PostAsJsonAsync("/admin/identities", new JsonObject
    {
        ["schema_id"] = "default",
        ["traits"] = new JsonObject { ["email"] = email },
        ["credentials"] = new JsonObject { ["password"] = new JsonObject { ["config"] = new JsonObject { ["password"] = Password } } },
    });
    created.EnsureSuccessStatusCode();
}
var storedHash = BCrypt.Net.BCrypt.HashPassword(Password, Cost);

Console.WriteLine($"cores: {cores}, bcrypt cost {Cost}, {seconds} s per phase, store: {Dsn.Parse(dsn).KindName}");
Console.WriteLine($"load average before: {LoadAverage()}");

// Warm up both paths so JIT and connection pools do not count.
BCrypt.Net.BCrypt.Verify(Password, storedHash);
await LoginOnce(emails[0]);

// The phases alternate (raw, login, raw, login) so that a change in background load hits both.
var raws = new List<Result>();
var loginRuns = new List<Result>();
for (var round = 0; round < 2; round++)
{
    // Same concurrency on both sides: on a shared machine more threads would get a larger CPU share.
    raws.Add(await Measure(cores * 2, seconds, _ =>
    {
        if (!BCrypt.Net.BCrypt.Verify(Password, storedHash)) throw new InvalidOperationException("verify failed");
        return Task.CompletedTask;
    }));
    loginRuns.Add(await Measure(cores * 2, seconds, i => LoginOnce(emails[i % emails.Count])));
}
var raw = Result.Combine(raws);
var logins = Result.Combine(loginRuns);

Console.WriteLine($"raw BCrypt.Verify     : {raw.PerSecond,8:F1} /s  ({raw.Count} in {raw.Elapsed.TotalSeconds:F1} s, {cores * 2} threads)");
Console.WriteLine($"HTTP password login   : {logins.PerSecond,8:F1} /s  ({logins.Count} in {logins.Elapsed.TotalSeconds:F1} s, {cores * 2} clients)");
Console.WriteLine($"login / raw           : {logins.PerSecond / raw.PerSecond * 100,8:F1} %  (target >= 85 %)");
Console.WriteLine($"login latency p50/p99 : {logins.P50:F1} / {logins.P99:F1} ms");
// The server and its client share this process, so the login's CPU includes both ends of the HTTP exchange.
Console.WriteLine($"CPU per operation     : verify {raw.CpuMs:F2} ms, login {logins.CpuMs:F2} ms (verify / login {raw.CpuMs / logins.CpuMs * 100:F1} %)");
Console.WriteLine($"load average after: {LoadAverage()}");
return 0;

async Task LoginOnce(string email)
{
    var flow = await pub.GetFromJsonAsync<JsonObject>("/self-service/login/api") ?? throw new InvalidOperationException("no flow");
    var reply = await pub.PostAsJsonAsync($"/self-service/login?flow={flow["id"]}", new JsonObject
    {
        ["method"] = "password", ["identifier"] = email, ["password"] = Password,
    });
    if (!reply.IsSuccessStatusCode)
        throw new InvalidOperationException($"login answered {(int)reply.StatusCode}: {await reply.Content.ReadAsStringAsync()}");
}

static async Task<Result> Measure(int workers, int seconds, Func<int, Task> operation)
{
    var latencies = new List<double>();
    var count = 0;
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var until = TimeSpan.FromSeconds(seconds);
    await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
    {
        var mine = new List<double>();
        var i = w;
        while (clock.Elapsed < until)
        {
            var start = Stopwatch.GetTimestamp();
            await operation(i++);
            mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        lock (latencies) { latencies.AddRange(mine); count += mine.Count; }
    })));
    var elapsed = clock.Elapsed;
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    latencies.Sort();
    return new Result(count, elapsed, latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)], cpu);
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

static async Task<string> PrepareDatabase(string given)
{
    var parsed = Dsn.Parse(given);
    if (parsed.IsSqlite) return given;
    var database = "login_bench_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
    await using var connection = new NpgsqlConnection(parsed.ConnectionString);
    await connection.OpenAsync();
    await new NpgsqlCommand($"CREATE DATABASE {database}", connection).ExecuteNonQueryAsync();
    return new UriBuilder(new Uri(given)) { Path = "/" + database }.Uri.ToString();
}

internal sealed record Result(int Count, TimeSpan Elapsed, double P50, double P99, TimeSpan Cpu)
{
    public double PerSecond => Count / Elapsed.TotalSeconds;

    /// <summary>Process CPU time per operation: unlike throughput, hardly moved by other programs on the machine.</summary>
    public double CpuMs => Cpu.TotalMilliseconds / Count;

    public static Result Combine(List<Result> runs) => new(runs.Sum(r => r.Count),
        TimeSpan.FromTicks(runs.Sum(r => r.Elapsed.Ticks)), runs.Average(r => r.P50), runs.Max(r => r.P99),
        TimeSpan.FromTicks(runs.Sum(r => r.Cpu.Ticks)));
}
