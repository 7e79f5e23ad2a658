using System.Diagnostics;
using IdentityServer.Sessions;
using IdentityServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Flows;

/// <summary>
/// The official JavaScript SDK (`@ory/kratos-client`, installed by `npm ci` in tests/sdk-client)
/// registers and signs in as a native app and as a browser, and changes profile and password in the
/// settings flow; the scripts check every response against Kratos's OpenAPI schemas.
/// </summary>
public sealed class SdkClientTests(SqliteFlowFixture fixture) : IClassFixture<SqliteFlowFixture>
{
    [Fact]
    public async Task Official_sdk_registers_and_signs_in()
    {
        var (stdout, stderr, exitCode) = await RunScriptAsync("flows.mjs", fixture.Server.PublicUrl.ToString(), "full");
        if (exitCode is null) return;
        Assert.True(exitCode == 0, $"the SDK script failed:\n{stdout}\n{stderr}");
        Assert.Contains("schema checks passed", stdout);
    }

    [Fact]
    public async Task Official_sdk_updates_profile_and_password_through_the_settings_flow()
    {
        var (stdout, stderr, exitCode) = await RunScriptAsync("settings.mjs", fixture.Server.PublicUrl.ToString());
        if (exitCode is null) return;
        Assert.True(exitCode == 0, $"the SDK settings script failed:\n{stdout}\n{stderr}");
        Assert.Contains("schema checks passed (settings)", stdout);
    }

    /// <summary>Runs a script of tests/sdk-client with the base URL and Kratos's api.json; null exit code when the SDK is not installed outside CI.</summary>
    private static async Task<(string Stdout, string Stderr, int? ExitCode)> RunScriptAsync(string script, string baseUrl, params string[] more)
    {
        var folder = Path.Combine(TestPaths.RepoRoot, "tests", "sdk-client");
        var apiJson = Path.Combine(TestPaths.SharedReference, "kratos", "api.json");
        var installed = Directory.Exists(Path.Combine(folder, "node_modules", "@ory", "kratos-client"));
        if (!installed || !File.Exists(apiJson))
        {
            var missing = !installed ? "the npm packages (run `npm ci --prefix tests/sdk-client`)" : $"the reference file {apiJson}";
            if (TestPaths.IsCi) Assert.Fail($"The SDK test needs {missing}.");
            Console.WriteLine($"SKIPPED: the SDK test needs {missing}.");
            return ("", "", null);
        }
        var start = new ProcessStartInfo("node", [script, baseUrl, apiJson, .. more])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(timeout.Token);
        return (await stdout, await stderr, node.ExitCode);
    }
}

/// <summary>
/// The official SDK verifies an address and recovers an account (code read from the admin courier API,
/// new password set in the settings flow), and asks for administrator recovery codes and links.
/// </summary>
public sealed class SdkVerificationRecoveryTests(SqliteCodeFlowFixture fixture) : IClassFixture<SqliteCodeFlowFixture>
{
    [Fact]
    public async Task Official_sdk_verifies_and_recovers()
    {
        var folder = Path.Combine(TestPaths.RepoRoot, "tests", "sdk-client");
        var apiJson = Path.Combine(TestPaths.SharedReference, "kratos", "api.json");
        var installed = Directory.Exists(Path.Combine(folder, "node_modules", "@ory", "kratos-client"));
        if (!installed || !File.Exists(apiJson))
        {
            var missing = !installed ? "the npm packages (run `npm ci --prefix tests/sdk-client`)" : $"the reference file {apiJson}";
            if (TestPaths.IsCi) Assert.Fail($"The SDK test needs {missing}.");
            Console.WriteLine($"SKIPPED: the SDK test needs {missing}.");
            return;
        }

        var start = new ProcessStartInfo("node", ["recovery.mjs", fixture.Server.PublicUrl.ToString(), fixture.Server.AdminUrl.ToString(), apiJson])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"the SDK script failed:\n{await stdout}\n{await stderr}");
        Assert.Contains("schema checks passed", await stdout);
    }
}
