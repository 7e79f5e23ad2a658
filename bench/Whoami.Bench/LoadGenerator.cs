using System.Diagnostics;
using System.Globalization;

/// <summary>
/// Runs loadgen.c, the HTTP load generator, as a separate process. It is compiled once per run with
/// the system C compiler (`cc`, from Debian's gcc) into the benchmark's temporary folder.
/// </summary>
internal sealed class LoadGenerator(string executable)
{
    /// <summary>Connections of the closed-loop peak run: enough to keep both cores busy.</summary>
    private const int PeakConnections = 16;
    /// <summary>Connections of the paced run: enough that a slow answer never holds back the schedule.</summary>
    private const int PacedConnections = 64;

    public static async Task<LoadGenerator> BuildAsync(string source, string folder)
    {
        var executable = Path.Combine(folder, "loadgen");
        var output = await RunAsync("cc", "-O2", "-o", executable, source);
        if (!File.Exists(executable))
            throw new InvalidOperationException($"compiling {source} failed (install gcc): {output}");
        return new LoadGenerator(executable);
    }

    /// <summary>Closed loop: each connection sends its next request when the answer arrives. Returns requests/s.</summary>
    public async Task<double> PeakAsync(string targets, int count) =>
        double.Parse(await RunAsync(executable, "peak", targets, Text(count), Text(PeakConnections)), CultureInfo.InvariantCulture);

    /// <summary>Open loop at a fixed rate; latency counts from each request's due time.</summary>
    public async Task<(double Rate, double P50, double P99)> PacedAsync(string targets, double rate, int count)
    {
        var output = await RunAsync(executable, "paced", targets, Text(count), Text(PacedConnections), rate.ToString("F1", CultureInfo.InvariantCulture));
        var parts = output.Split(' ').Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return (parts[0], parts[1], parts[2]);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed: {await stderr}{await stdout}");
        return (await stdout).Trim();
    }
}
