using System.Diagnostics;
using System.Globalization;
using System.Net;

/// <summary>
/// The HTTP load generator, run as a child process of the benchmark (`Whoami.Bench load ...`).
/// A targets file has one request per line: URL, header name and header value separated by tabs
/// (the header may be empty); request i goes to line i modulo the line count.
/// </summary>
internal static class LoadGenerator
{
    public const string Command = "load";
    private const int WarmUpRequests = 3000;

    /// <summary>Closed loop: `workers` clients send `count` requests as fast as answers come back. Returns requests/s.</summary>
    public static async Task<double> PeakAsync(string targets, int count, int workers)
    {
        var output = await RunChildAsync("peak", targets, count.ToString(CultureInfo.InvariantCulture), workers.ToString(CultureInfo.InvariantCulture));
        return double.Parse(output, CultureInfo.InvariantCulture);
    }

    /// <summary>Open loop at a fixed rate; latency counts from each request's due time.</summary>
    public static async Task<(double Rate, double P50, double P99)> PacedAsync(string targets, double rate, int count)
    {
        var output = await RunChildAsync("paced", targets, count.ToString(CultureInfo.InvariantCulture), rate.ToString("F1", CultureInfo.InvariantCulture));
        var parts = output.Split(' ').Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return (parts[0], parts[1], parts[2]);
    }

    private static async Task<string> RunChildAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Under `dotnet Whoami.Bench.dll` the process path is the dotnet host; the assembly comes first.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            start.ArgumentList.Add(typeof(LoadGenerator).Assembly.Location);
        start.ArgumentList.Add(Command);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        // Workstation GC keeps the generator to a small footprint next to the server.
        start.Environment["DOTNET_gcServer"] = "0";
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"the load generator failed: {await stderr}");
        return (await stdout).Trim();
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var mode = args[0];
        var targets = File.ReadAllLines(args[1]).Select(ParseTarget).ToArray();
        var count = int.Parse(args[2], CultureInfo.InvariantCulture);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, UseCookies = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        // A fresh process runs its first requests on unoptimized code; they would count as the server's latency.
        await Peak(client, targets, WarmUpRequests, 16);
        if (mode == "peak")
        {
            var workers = int.Parse(args[3], CultureInfo.InvariantCulture);
            var rate = await Peak(client, targets, count, workers);
            Console.WriteLine(rate.ToString("F1", CultureInfo.InvariantCulture));
        }
        else
        {
            var rate = double.Parse(args[3], CultureInfo.InvariantCulture);
            var (achieved, p50, p99) = await Paced(client, targets, rate, count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{achieved:F1} {p50:F3} {p99:F3}"));
        }
        return 0;
    }

    private static (Uri Url, string Header, string Value) ParseTarget(string line)
    {
        var parts = line.Split('\t');
        return (new Uri(parts[0]), parts[1], parts[2]);
    }

    private static HttpRequestMessage Request((Uri Url, string Header, string Value) target)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, target.Url);
        if (target.Header.Length > 0) request.Headers.Add(target.Header, target.Value);
        return request;
    }

    private static async Task Send(HttpClient client, (Uri Url, string Header, string Value) target)
    {
        using var response = await client.SendAsync(Request(target));
        await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"{target.Url} answered {(int)response.StatusCode}");
    }

    private static async Task<double> Peak(HttpClient client, (Uri, string, string)[] targets, int count, int workers)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
                await Send(client, targets[i % targets.Length]);
        }));
        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// One scheduler sends request i at start + i / rate without waiting for earlier answers; it sleeps
    /// between due times rather than spinning, so the generator leaves the cores to the server.
    /// </summary>
    private static async Task<(double Rate, double P50, double P99)> Paced(HttpClient client, (Uri, string, string)[] targets, double rate, int count)
    {
        var latencies = new double[count];
        var inFlight = new Task[count];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = i / rate;
            var wait = due - clock.Elapsed.TotalSeconds;
            if (wait > 0)
                await Task.Delay(TimeSpan.FromSeconds(wait));
            inFlight[i] = Timed(i, due);
        }
        await Task.WhenAll(inFlight);
        var elapsed = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return (count / elapsed, latencies[count / 2], latencies[(int)(count * 0.99)]);

        async Task Timed(int i, double due)
        {
            await Send(client, targets[i % targets.Length]);
            latencies[i] = (clock.Elapsed.TotalSeconds - due) * 1000;
        }
    }
}
