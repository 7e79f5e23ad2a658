using System.Diagnostics;
using System.Globalization;
using System.Text;
using Jsonnet;

namespace Jsonnet.Bench;

internal sealed record BenchOptions(int Runs, int WebhookIterations, string ReferencePath)
{
    public static BenchOptions Parse(string[] args)
    {
        int runs = 5, iterations = 200_000;
        string reference = "/usr/bin/jsonnet";
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--runs": runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--webhook-iterations": iterations = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--reference": reference = args[i + 1]; break;
            }
        }
        return new BenchOptions(runs, iterations, reference);
    }

    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IdentityServer.sln"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}

/// <summary>Runs the C++ reference command-line tool as a separate process.</summary>
internal sealed class ReferenceCli(string path)
{
    public bool Available => File.Exists(path);

    public (string Text, bool Ok) Run(string file, string workingDirectory)
    {
        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory,
        };
        psi.ArgumentList.Add(file);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? (stdout, true) : (stderr.Result, false);
    }
}

/// <summary>A Kratos-style webhook body built from the identity traits, evaluated from one cached parse.</summary>
internal static class WebhookBench
{
    public const string Body = """
        function(ctx) {
          user_id: ctx.identity.id,
          email: ctx.identity.traits.email,
          name: if std.objectHas(ctx.identity.traits, 'name') then
            ctx.identity.traits.name.first + ' ' + ctx.identity.traits.name.last
          else null,
          [if 'phone' in ctx.identity.traits then 'phone']: ctx.identity.traits.phone,
          verified: std.length([a for a in ctx.identity.verifiable_addresses if a.verified]) > 0,
          newsletter: std.get(ctx.identity.traits, 'newsletter', false),
          flow: ctx.flow.type,
          tags: [std.asciiLower(t) for t in std.get(ctx.identity.metadata_public, 'tags', [])],
        }
        """;

    public const string Context = """
        {
          "flow": { "id": "5f1e2d3c-0000-4000-8000-000000000001", "type": "browser" },
          "identity": {
            "id": "9c1e2d3c-1111-4000-8000-000000000002",
            "schema_id": "default",
            "traits": {
              "email": "jane.doe@example.com",
              "name": { "first": "Jane", "last": "Doe" },
              "phone": "+15555550100",
              "newsletter": true
            },
            "verifiable_addresses": [
              { "value": "jane.doe@example.com", "verified": true, "via": "email" }
            ],
            "metadata_public": { "tags": ["Beta", "EU"] }
          },
          "request_headers": { "User-Agent": ["bench"] }
        }
        """;

    public static void Run(int iterations)
    {
        var engine = new JsonnetEngine();
        var program = engine.Parse(Body, "webhook.jsonnet");
        var args = new EvaluationArgs { TlaCodes = new Dictionary<string, string> { ["ctx"] = Context } };
        string output = "";
        for (int i = 0; i < 20_000; i++) output = program.Evaluate(args);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++) program.Evaluate(args);
        sw.Stop();
        double micros = sw.Elapsed.TotalMilliseconds * 1000 / iterations;
        Console.WriteLine($"webhook body from a cached parse: {micros:F2} µs per evaluation ({iterations} evaluations after warm-up, target < 50 µs)");
        Console.WriteLine(output);
    }
}
