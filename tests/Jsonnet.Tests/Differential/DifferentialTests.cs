using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Jsonnet.Tests.Differential;

/// <summary>Compares our output with the C++ reference implementation (Debian's jsonnet package).</summary>
public partial class DifferentialTests
{
    private const int GeneratedCount = 260;

    public static IEnumerable<object[]> Cases()
    {
        for (int i = 0; i < HandWrittenPrograms.All.Length; i++) yield return new object[] { $"hand-{i:D3}" };
        for (int i = 0; i < GeneratedCount; i++) yield return new object[] { $"gen-{i:D3}" };
    }

    private static string ProgramFor(string id)
    {
        int n = int.Parse(id[(id.IndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return id.StartsWith("hand", StringComparison.Ordinal) ? HandWrittenPrograms.All[n] : new ProgramGenerator(1000 + n).Program();
    }

    [Fact]
    public void ThereAreAFewHundredPrograms()
    {
        Assert.True(Cases().Count() >= 400);
        // Generated programs differ from each other.
        Assert.NotEqual(ProgramFor("gen-001"), ProgramFor("gen-002"));
        Assert.Equal(ProgramFor("gen-003"), ProgramFor("gen-003"));
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void SameOutputAsReference(string id)
    {
        var cli = ReferenceData.RequireReferenceCli();
        var program = ProgramFor(id);
        var (refOk, refOut) = RunReference(cli, program);

        string? ours = null;
        JsonnetException? ourError = null;
        try
        {
            ours = ReferenceData.OnLargeStack(() => new JsonnetEngine().Parse(program, "<cmdline>").Evaluate()) + "\n";
        }
        catch (JsonnetException e)
        {
            ourError = e;
        }

        var missing = MissingStdFunction().Match(refOut);
        if (!refOk && missing.Success && program.Contains("std." + missing.Groups[1].Value, StringComparison.Ordinal))
        {
            // The packaged reference is older than the current standard library; we still must run the program.
            Assert.True(ourError == null, $"program:\n{program}\nour error: {ourError?.Message}");
            return;
        }
        if (!refOk)
        {
            Assert.True(ourError != null, $"program:\n{program}\nreference failed:\n{refOut}\nwe printed:\n{ours}");
            return;
        }
        Assert.True(ourError == null, $"program:\n{program}\nour error: {ourError?.Message}\nreference:\n{refOut}");
        Assert.True(refOut == ours, $"program:\n{program}\nreference:\n{refOut}\nours:\n{ours}");
    }

    private static (bool Ok, string Output) RunReference(string cli, string program)
    {
        var psi = new ProcessStartInfo(cli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add("-e");
        psi.ArgumentList.Add(program);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? (true, stdout) : (false, stderr.Result);
    }

    [GeneratedRegex(@"field does not exist: (\w+)")]
    private static partial Regex MissingStdFunction();
}
