using System.Diagnostics;
using System.Net;
using IdentityServer.Tests.Infrastructure;

namespace IdentityServer.Tests.Foundation;

/// <summary>The README's run command, as a separate process, answers ready on both listeners.</summary>
public class ReadmeRunCommandTests
{
    [Fact]
    public async Task The_readme_run_command_starts_a_ready_server()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        const string command = "dotnet run --project src/IdentityServer -- serve -c config/kratos.yml --dev";
        Assert.Contains(command, readme);

        int publicPort = PostgresCluster.FreePort(), adminPort = PostgresCluster.FreePort();
        var dataDir = Directory.CreateTempSubdirectory("identityserver-readme").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = TestPaths.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in command.Split(' ').Skip(1)) start.ArgumentList.Add(a);
        // Only the ports and the database file move, through Kratos's environment overrides.
        start.Environment["SERVE_PUBLIC_PORT"] = publicPort.ToString();
        start.Environment["SERVE_ADMIN_PORT"] = adminPort.ToString();
        start.Environment["DSN"] = "sqlite://" + Path.Combine(dataDir, "kratos.db") + "?_fk=true";
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            foreach (var port in new[] { publicPort, adminPort })
            {
                var ready = await WaitForReadyAsync(http, $"http://127.0.0.1:{port}/health/ready", process, TimeSpan.FromMinutes(3));
                Assert.True(ready, $"no 200 from port {port}; server output:\n{output}");
            }
            lock (output)
                Assert.Contains("DSN from the DSN environment variable", output.ToString());
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<bool> WaitForReadyAsync(HttpClient http, string url, Process process, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync(url)).StatusCode == HttpStatusCode.OK)
                    return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        return false;
    }
}
