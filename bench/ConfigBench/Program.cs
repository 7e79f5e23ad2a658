// Measures how long loading configuration takes: parse, merge, environment overrides, schema check
// and typed options. Run from the repository root:
//   dotnet run -c Release --project bench/ConfigBench [iterations] [more config files...]
using System.Diagnostics;
using System.Text.Json.Nodes;
using IdentityServer.Config;

var iterations = args.Length > 0 ? int.Parse(args[0]) : 500;
var root = FindRepositoryRoot();
var files = new List<(string Name, string Path)> { ("config/kratos.yml", Path.Combine(root, "config", "kratos.yml")) };
var quickstart = Path.GetFullPath(Path.Combine(root, "..", "shared", "reference", "kratos", "quickstart"));
if (Directory.Exists(quickstart))
{
    foreach (var folder in Directory.GetDirectories(quickstart).Order())
    {
        var file = Path.Combine(folder, "kratos.yml");
        if (File.Exists(file)) files.Add(("quickstart/" + Path.GetFileName(folder), file));
    }
}
foreach (var extra in args.Skip(1)) files.Add((extra, extra));
var environment = new Dictionary<string, string> { ["DSN"] = "memory", ["LOG_LEVEL"] = "debug" };

var broken = Path.Combine(Path.GetTempPath(), "config-bench-" + Guid.NewGuid().ToString("N") + ".yml");
File.WriteAllText(broken, "log:\n  level: loud\nserve:\n  public:\n    prot: 1\n");

var cases = new List<(string Name, Action Run)>
{
    ("schema: parse and index", () => new ConfigSchema(JsonNode.Parse(ConfigSchema.ReadEmbeddedText())!.AsObject())),
    ("load invalid (5 problems)", () => ConfigLoader.Load([broken], new Dictionary<string, string>())),
};
foreach (var (name, path) in files)
{
    var first = ConfigLoader.Load([path], environment);
    if (!first.IsValid)
    {
        Console.WriteLine($"skipping {name}: it does not load");
        foreach (var problem in first.Problems) Console.WriteLine("  " + problem);
        continue;
    }
    cases.Add(("load " + name, () => ConfigLoader.Load([path], environment)));
}

// Warm every case up before timing any, so the first one does not pay for the JIT.
var warmUntil = Stopwatch.StartNew();
while (warmUntil.Elapsed < TimeSpan.FromSeconds(2))
{
    foreach (var (_, run) in cases) run();
}

Console.WriteLine($"{"case",-40} {"median",12} {"p95",12}");
foreach (var (name, run) in cases)
{
    var samples = new double[iterations];
    for (var i = 0; i < iterations; i++)
    {
        var watch = Stopwatch.StartNew();
        run();
        samples[i] = watch.Elapsed.TotalMicroseconds;
    }
    Array.Sort(samples);
    Console.WriteLine($"{name,-40} {samples[iterations / 2],9:F1} µs {samples[(int)(iterations * 0.95)],9:F1} µs");
}
File.Delete(broken);

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "IdentityServer.sln"))) return dir.FullName;
    }
    throw new InvalidOperationException("run from inside the repository");
}
