using IdentityServer.Config;

namespace IdentityServer.Tests.Config;

public class DefaultConfigFileTests
{
    private static string ConfigFile(string name)
    {
        Assert.NotNull(ReferenceData.RepositoryRoot);
        return Path.Combine(ReferenceData.RepositoryRoot, "config", name);
    }

    [Fact]
    public void The_default_sqlite_config_loads()
    {
        var result = ConfigLoader.Load([ConfigFile("kratos.yml")], new Dictionary<string, string>());

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        var config = result.Config!;
        Assert.StartsWith("sqlite://./data/", config.Dsn);
        Assert.True(config.Database.MigrateOnStart);
        Assert.Equal(new Uri("http://127.0.0.1:4433/"), config.Serve.Public.BaseUrl);
        Assert.Equal(new Uri("http://127.0.0.1:4434/"), config.Serve.Admin.BaseUrl);
        Assert.Equal("identity-schemas/email-password.schema.json", Assert.Single(config.Identity.Schemas).LocalFilePath);
        Assert.True(config.SelfService.Methods.Password.Enabled);
        Assert.Equal("http://127.0.0.1:4433/ui/login", config.SelfService.Flows.Login.UiUrl);
        Assert.Equal("http://127.0.0.1:4433/ui/registration", config.SelfService.Flows.Registration.UiUrl);
        Assert.NotEmpty(config.Secrets.Default);
    }

    [Fact]
    public void The_postgres_config_differs_only_in_the_dsn()
    {
        var sqlite = ConfigLoader.Load([ConfigFile("kratos.yml")], new Dictionary<string, string>());
        var postgres = ConfigLoader.Load([ConfigFile("kratos.postgres.yml")], new Dictionary<string, string>());

        Assert.True(postgres.IsValid, string.Join(Environment.NewLine, postgres.Problems));
        Assert.StartsWith("postgres://", postgres.Config!.Dsn);
        Assert.Equal(["dsn"], ConfigDiff.ChangedKeys(sqlite.Merged, postgres.Merged));
    }
}
