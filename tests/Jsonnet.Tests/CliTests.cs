using System.Diagnostics;

namespace Jsonnet.Tests;

public class CliTests
{
    private static (int Code, string Out, string Err) RunCli(string workingDirectory, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "jsonnet-net.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    [Fact]
    public void RunsAFileWithVariablesAndArguments()
    {
        var dir = Directory.CreateTempSubdirectory("jsonnet-cli");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "lib.libsonnet"), "{ x: 1 }");
            File.WriteAllText(Path.Combine(dir.FullName, "main.jsonnet"),
                "function(t, c) { s: std.extVar('s'), c: std.extVar('c'), t: t, tc: c, lib: (import 'lib.libsonnet').x }");
            var (code, output, err) = RunCli(dir.FullName, "--ext-str", "s=str", "--ext-code", "c=1+1", "--tla-str", "t=tla", "--tla-code", "c=[1]", "main.jsonnet");
            Assert.True(code == 0, err);
            Assert.Equal("{\n   \"c\": 2,\n   \"lib\": 1,\n   \"s\": \"str\",\n   \"t\": \"tla\",\n   \"tc\": [\n      1\n   ]\n}\n", output);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void ErrorsGoToStandardErrorWithExitCodeOne()
    {
        var (code, output, err) = RunCli(Path.GetTempPath(), "-e", "{ a: 1 + 'x' + error 'bad' }");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith("RUNTIME ERROR: bad", err);
    }
}
