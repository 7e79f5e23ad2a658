using IdentityServer.Cli;
using IdentityServer.Tests.Infrastructure;

namespace IdentityServer.Tests.Foundation;

public class ServeCommandTests
{
    [Fact]
    public async Task An_invalid_config_stops_serve_with_a_non_zero_exit_code()
    {
        var file = TestServer.WriteConfig(TestServer.MinimalConfig(TestDatabases.CreateSqlite()) + "\nselfservice_typo: {}\n");
        Assert.Equal(1, await CommandLine.RunAsync(["serve", "-c", file]));
    }

    [Fact]
    public async Task A_missing_config_file_stops_serve_with_a_non_zero_exit_code()
    {
        Assert.Equal(1, await CommandLine.RunAsync(["serve", "-c", Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".yml")]));
    }

    [Fact]
    public async Task Version_prints_and_exits_zero()
    {
        Assert.Equal(0, await CommandLine.RunAsync(["version"]));
    }
}
