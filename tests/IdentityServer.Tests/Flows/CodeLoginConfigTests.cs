using IdentityServer.Config;
using IdentityServer.Identities;
using IdentityServer.Tests.Config;

namespace IdentityServer.Tests.Flows;

public class CodeLoginConfigTests
{
    [Fact]
    public void Code_method_defaults_are_Kratos_defaults()
    {
        using var folder = new TempConfigFolder();
        var config = ConfigLoader.Load([folder.Write("kratos.yml", TempConfigFolder.MinimalConfig)], new Dictionary<string, string>()).Config!;
        var code = config.SelfService.Methods.Code;
        // Kratos's configuration schema and code both default the lifespan to one hour.
        Assert.Equal(TimeSpan.FromHours(1), code.Config.Lifespan);
        Assert.Equal(5, code.Config.MaxSubmissions);
        Assert.False(code.PasswordlessEnabled);
        Assert.False(code.MfaEnabled);
        Assert.False(code.Config.MissingCredentialFallbackEnabled);
    }

    [Fact]
    public void Passwordless_and_mfa_together_are_refused_with_a_hint()
    {
        using var folder = new TempConfigFolder();
        var yaml = TempConfigFolder.MinimalConfig + """

              methods:
                code:
                  passwordless_enabled: true
                  mfa_enabled: true
            """;
        var result = ConfigLoader.Load([folder.Write("kratos.yml", yaml)], new Dictionary<string, string>());
        var problem = Assert.Single(result.Problems);
        Assert.Equal("selfservice.methods.code.mfa_enabled", problem.KeyPath);
        Assert.Equal("must be false, got true", problem.Message);
        Assert.Contains("turn one of them off", problem.Hint);

        var alone = ConfigLoader.Load([folder.Write("ok.yml", yaml.Replace("mfa_enabled: true", "mfa_enabled: false"))], new Dictionary<string, string>());
        Assert.Empty(alone.Problems);
        Assert.True(alone.Config!.SelfService.Methods.Code.PasswordlessEnabled);
    }

    [Fact]
    public void Code_addresses_are_a_second_factor_only_with_mfa_enabled()
    {
        IdentityCredential Credential(string type, string config) => new() { Type = type, Config = config };
        var password = Credential("password", """{"hashed_password":"$2a$04$abc"}""");
        var code = Credential("code", """{"addresses":[{"channel":"email","address":"a@example.com"}]}""");
        var empty = Credential("code", """{"addresses":[]}""");
        Assert.Equal("aal1", AvailableAal.Of([password, code]));
        Assert.Equal("aal1", AvailableAal.Of([password, code], codeIsSecondFactor: false));
        Assert.Equal("aal2", AvailableAal.Of([password, code], codeIsSecondFactor: true));
        Assert.Equal("aal1", AvailableAal.Of([password, empty], codeIsSecondFactor: true));
    }
}
