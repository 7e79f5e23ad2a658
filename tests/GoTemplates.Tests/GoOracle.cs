using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GoTemplates.Tests;

public sealed record OracleCase(
    [property: JsonPropertyName("template")] string Template,
    [property: JsonPropertyName("data")] JsonElement Data,
    [property: JsonPropertyName("mode")] string Mode);

public sealed record OracleResult(
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("parseError")] bool ParseError);

/// <summary>Builds the Go program in Oracle/main.go once and renders batches of cases with Go's own template packages.</summary>
public static class GoOracle
{
    private static readonly Lazy<string?> GoPath = new(FindGo);
    private static readonly Lazy<string> Binary = new(Build);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool GoAvailable => GoPath.Value != null;

    private static string? FindGo()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, "go");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string Build()
    {
        var go = GoPath.Value ?? throw new InvalidOperationException("The go command is not installed (Debian package golang-go); it is required to compare with Go.");
        var work = Path.Combine(Path.GetTempPath(), "gotemplates-oracle-" + Environment.ProcessId);
        Directory.CreateDirectory(work);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(work, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        };
        var source = Path.Combine(AppContext.BaseDirectory, "Oracle", "main.go");
        var output = Path.Combine(work, "oracle");
        var psi = new ProcessStartInfo(go, ["build", "-o", output, source])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = work,
        };
        psi.Environment["GOCACHE"] = Path.Combine(work, "cache");
        psi.Environment["GOPATH"] = Path.Combine(work, "gopath");
        psi.Environment["GO111MODULE"] = "off";
        psi.Environment["GOFLAGS"] = "";
        psi.Environment["GOTOOLCHAIN"] = "local";
        using var p = Process.Start(psi)!;
        string stderr = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("go build of the oracle failed: " + stderr);
        return output;
    }

    public static IReadOnlyList<OracleResult> Render(IReadOnlyList<OracleCase> cases)
    {
        var psi = new ProcessStartInfo(Binary.Value)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderrTask = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(JsonSerializer.Serialize(cases));
        p.StandardInput.Close();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("oracle failed: " + stderrTask.Result);
        return JsonSerializer.Deserialize<List<OracleResult>>(stdoutTask.Result)!;
    }
}

/// <summary>A theory that needs Go: skipped when go is missing, except under CI=true where it must run (and fail).</summary>
public sealed class GoTheoryAttribute : TheoryAttribute
{
    public GoTheoryAttribute()
    {
        if (!GoOracle.GoAvailable && !GoOracle.IsCi) Skip = "go is not installed (apt-get install golang-go); differential tests against Go are skipped outside CI";
    }
}
