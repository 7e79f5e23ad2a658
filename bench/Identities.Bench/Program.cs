// Creates many identities on PostgreSQL through the admin API, then times an exact
// credentials-identifier lookup and a trait lookup, and shows PostgreSQL's plan for each.
//
//   dotnet run -c Release --project bench/Identities.Bench -- postgres://user@127.0.0.1:5432/postgres [count] [database]
//
// The DSN names a server; the benchmark creates its own database there and drops nothing. Give the
// name of a database from an earlier run to measure again without creating the identities anew.
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IdentityServer.Hosting;
using IdentityServer.Persistence;
using Npgsql;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Identities.Bench <postgres DSN of a server> [identity count, default 100000]");
    return 2;
}
var count = args.Length > 1 ? int.Parse(args[1]) : 100_000;
var serverDsn = Dsn.Parse(args[0]);
var reuse = args.Length > 2;
var database = reuse ? args[2] : "bench_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
if (!reuse)
{
    await using var admin = new NpgsqlConnection(serverDsn.ConnectionString);
    await admin.OpenAsync();
    await new NpgsqlCommand($"CREATE DATABASE {database}", admin).ExecuteNonQueryAsync();
}
var dsn = new UriBuilder(new Uri(args[0])) { Path = "/" + database }.Uri.ToString();

var schema = Path.Combine(Path.GetTempPath(), "bench-identity.schema.json");
File.WriteAllText(schema, """
{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "traits": {
      "type": "object",
      "properties": {
        "email": { "type": "string", "format": "email",
          "ory.sh/kratos": { "credentials": { "password": { "identifier": true } }, "verification": { "via": "email" }, "recovery": { "via": "email" } } },
        "department": { "type": "string" },
        "employee_number": { "type": "string" }
      },
      "required": ["email"]
    }
  }
}
""");
var config = Path.Combine(Path.GetTempPath(), "bench-kratos.yml");
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
selfservice:
  default_browser_return_url: http://127.0.0.1:4455/
identity:
  default_schema_id: default
  schemas:
    - id: default
      url: file://{schema}
""");

await using var server = await ServerApp.StartAsync(new ServeRequest([config]) { PortOverride = 0 });
using var http = new HttpClient { BaseAddress = server.AdminUrl, Timeout = TimeSpan.FromMinutes(5) };

if (!reuse)
    await CreateAsync();

async Task CreateAsync()
{
Console.WriteLine($"creating {count:N0} identities through PATCH /admin/identities in batches of 1000 ...");
var create = Stopwatch.StartNew();
const int batchSize = 1000;
var batches = Enumerable.Range(0, (count + batchSize - 1) / batchSize);
await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, ct) =>
{
    var items = new JsonArray();
    for (var i = batch * batchSize; i < Math.Min(count, (batch + 1) * batchSize); i++)
        items.Add(new JsonObject
        {
            ["create"] = new JsonObject
            {
                ["schema_id"] = "default",
                ["traits"] = new JsonObject { ["email"] = $"user{i}@example.com", ["department"] = $"dept-{i % 50}", ["employee_number"] = $"E{i:D7}" },
            },
        });
    var response = await http.PatchAsJsonAsync("admin/identities", new JsonObject { ["identities"] = items }, ct);
    response.EnsureSuccessStatusCode();
});
Console.WriteLine($"created in {create.Elapsed.TotalSeconds:F1} s ({count / create.Elapsed.TotalSeconds:F0} identities/s)");
}

await using (var db = new NpgsqlConnection(Dsn.Parse(dsn).ConnectionString))
{
    await db.OpenAsync();
    await new NpgsqlCommand("ANALYZE", db).ExecuteNonQueryAsync();
}

var random = new Random(7);
await Measure("exact identifier  ", () => $"admin/identities?credentials_identifier=user{random.Next(count)}@example.com");
await Measure("trait (email)     ", () => $"admin/identities?traits.email=user{random.Next(count)}@example.com");
await Measure("trait (employee #)", () => $"admin/identities?traits.employee_number=E{random.Next(count):D7}");

await using (var db = new NpgsqlConnection(Dsn.Parse(dsn).ConnectionString))
{
    await db.OpenAsync();
    foreach (var (name, sql) in new[]
    {
        ("identifier", "EXPLAIN SELECT i.id FROM identities i WHERE i.id IN (SELECT c.identity_id FROM identity_credential_identifiers x JOIN identity_credentials c ON x.identity_credential_id = c.id WHERE x.identifier = 'user5@example.com' OR x.identifier = 'user5@example.com') ORDER BY i.id LIMIT 251"),
        ("trait", "EXPLAIN SELECT i.id FROM identities i WHERE traits @> '{\"email\":\"user5@example.com\"}'::jsonb ORDER BY i.id LIMIT 251"),
    })
    {
        Console.WriteLine($"\nplan ({name}):");
        await using var reader = await new NpgsqlCommand(sql, db).ExecuteReaderAsync();
        while (await reader.ReadAsync()) Console.WriteLine("  " + reader.GetString(0));
    }
}
return 0;

async Task Measure(string name, Func<string> url)
{
    for (var i = 0; i < 100; i++) (await http.GetAsync(url())).EnsureSuccessStatusCode();
    var samples = new List<double>();
    for (var i = 0; i < 1000; i++)
    {
        var path = url();
        var watch = Stopwatch.StartNew();
        var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        watch.Stop();
        response.EnsureSuccessStatusCode();
        if (JsonNode.Parse(body)!.AsArray().Count != 1) throw new InvalidOperationException($"{path} did not find exactly one identity");
        samples.Add(watch.Elapsed.TotalMilliseconds);
    }
    samples.Sort();
    Console.WriteLine($"{name}: p50 {samples[500]:F2} ms  p90 {samples[900]:F2} ms  p99 {samples[990]:F2} ms  (1000 HTTP requests, one identity each)");
}
