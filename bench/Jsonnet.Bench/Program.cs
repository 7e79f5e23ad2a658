using System.Diagnostics;
using System.Globalization;
using Jsonnet;
using Jsonnet.Bench;

// Times every benchmark program with this engine and with the reference command-line tool,
// then a typical webhook body evaluated many times from one parsed program.
var options = BenchOptions.Parse(args);
var root = BenchOptions.FindRepositoryRoot();
var benchDir = Path.GetFullPath(Path.Combine(root, "..", "shared", "reference", "jsonnet", "benchmarks"));
if (!Directory.Exists(benchDir))
{
    Console.Error.WriteLine($"benchmark programs not found at ../shared/reference/jsonnet/benchmarks");
    return 1;
}

var reference = new ReferenceCli(options.ReferencePath);
Console.WriteLine($"runs per program: {options.Runs} (median), reference: {(reference.Available ? options.ReferencePath : "not installed")}");
Console.WriteLine();
Console.WriteLine($"{"program",-24} {"reference ms",13} {"ours ms",10} {"ours 1st ms",12} {"speed-up",9}  result");
foreach (var file in Directory.GetFiles(benchDir, "*.jsonnet").Order(StringComparer.Ordinal))
{
    var name = Path.GetFileName(file);
    var source = File.ReadAllText(file);
    var engine = new JsonnetEngine(new JsonnetOptions { ImportResolver = new FileSystemImportResolver(new[] { benchDir }, baseDirectory: benchDir) });

    var first = Stopwatch.StartNew();
    var (ourText, ourOk) = RunOurs(engine, source, name);
    first.Stop();
    var ourTimes = new List<double>();
    for (int i = 0; i < options.Runs; i++)
    {
        var sw = Stopwatch.StartNew();
        RunOurs(engine, source, name);
        ourTimes.Add(sw.Elapsed.TotalMilliseconds);
    }

    string refCell = "-", speedCell = "-", result = ourOk ? "ok" : "error (both)";
    if (reference.Available)
    {
        var refTimes = new List<double>();
        (string Text, bool Ok) refResult = ("", false);
        for (int i = 0; i < options.Runs; i++)
        {
            var sw = Stopwatch.StartNew();
            refResult = reference.Run(file, benchDir);
            refTimes.Add(sw.Elapsed.TotalMilliseconds);
        }
        double refMedian = Median(refTimes);
        refCell = refMedian.ToString("F1", CultureInfo.InvariantCulture);
        speedCell = (refMedian / Median(ourTimes)).ToString("F1", CultureInfo.InvariantCulture) + "x";
        if (ourOk && refResult.Ok) result = refResult.Text == ourText + "\n" ? "same output" : "DIFFERENT OUTPUT";
        else if (ourOk != refResult.Ok) result = ourOk ? "reference failed" : "we failed";
        else result = "error in both";
    }
    Console.WriteLine($"{name,-24} {refCell,13} {Median(ourTimes),10:F1} {first.Elapsed.TotalMilliseconds,12:F1} {speedCell,9}  {result}");
}

Console.WriteLine();
WebhookBench.Run(options.WebhookIterations);
return 0;

static (string Text, bool Ok) RunOurs(JsonnetEngine engine, string source, string name)
{
    try
    {
        return (engine.Parse(source, name).Evaluate(), true);
    }
    catch (JsonnetException e)
    {
        return (e.Message, false);
    }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}
