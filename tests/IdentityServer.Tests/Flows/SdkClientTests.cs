using System.Diagnostics;
using IdentityServer.Sessions;
using IdentityServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Flows;

/// <summary>
/// The official JavaScript SDK (`@ory/kratos-client`, installed by `npm ci` in tests/sdk-client)
/// registers and signs in as a native app and as a browser; the script checks every response against
/// Kratos's OpenAPI schemas. Whoami and logout are included once the server has its own session service.
/// </summary>
public sealed class SdkClientTests(SqliteFlowFixture fixture) : IClassFixture<SqliteFlowFixture>
{
    [Fact]
    public async Task Official_sdk_registers_and_signs_in()
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

        var start = new ProcessStartInfo("node", ["flows.mjs", fixture.Server.PublicUrl.ToString(), apiJson, "full"])
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
        Assert.True(node.ExitCode == 0, $"the SDK script failed:\n{await stdout}\n{await stderr}");
        Assert.Contains("schema checks passed", await stdout);
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
