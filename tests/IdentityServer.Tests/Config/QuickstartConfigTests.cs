using IdentityServer.Config;

namespace IdentityServer.Tests.Config;

public class QuickstartConfigTests
{
    private const string ContainerFolder = "file:///etc/config/kratos/";

    public static TheoryData<string> Profiles()
    {
        var data = new TheoryData<string>();
        if (!ReferenceData.QuickstartAvailable) return data;
        foreach (var folder in Directory.GetDirectories(ReferenceData.QuickstartRoot!).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(folder, "kratos.yml"))) data.Add(Path.GetFileName(folder));
        }
        return data;
    }

    [QuickstartFact]
    public void The_quickstart_reference_data_is_present()
    {
        Assert.True(ReferenceData.QuickstartAvailable, ReferenceData.MissingMessage);
        Assert.True(Profiles().Count >= 5, "expected at least five quickstart profiles");
    }

    [QuickstartTheory]
    [MemberData(nameof(Profiles))]
    public void Every_quickstart_config_loads(string profile)
    {
        var profileFolder = Path.Combine(ReferenceData.QuickstartRoot!, profile);
        var original = File.ReadAllText(Path.Combine(profileFolder, "kratos.yml"));
        // Only the container paths change: they point at the profile's own folder instead.
        var rewritten = original.Replace(ContainerFolder, "file://" + profileFolder.Replace('\\', '/') + "/", StringComparison.Ordinal);
        using var temp = new TempConfigFolder();
        var file = temp.Write("kratos.yml", rewritten);

        // One profile leaves dsn to the DSN variable that its container setup provides.
        var fileHasDsn = original.Split('\n').Any(line => line.StartsWith("dsn:", StringComparison.Ordinal));
        var environment = fileHasDsn ? new Dictionary<string, string>() : new Dictionary<string, string> { ["DSN"] = "memory" };

        var result = ConfigLoader.Load([file], environment);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        var config = result.Config!;
        Assert.Equal("memory", config.Dsn);
        Assert.Equal(fileHasDsn ? ConfigValueSource.File : ConfigValueSource.Environment, result.DsnSource);
        Assert.Equal(result.Merged["serve"]!["public"]!["base_url"]!.GetValue<string>(), config.Serve.Public.BaseUrl!.ToString());
        Assert.Equal("bcrypt", config.Hashers.Algorithm);
        Assert.Equal(8, config.Hashers.Bcrypt.Cost);
        Assert.Equal("debug", config.Log.Level);
        Assert.NotEmpty(config.Identity.Schemas);
        Assert.NotEmpty(config.Secrets.Cipher);
        Assert.True(config.SelfService.Methods.Password.Enabled || profile == "webauthn");

        foreach (var schema in config.Identity.Schemas)
        {
            if (schema.LocalFilePath is { } path && path.StartsWith(profileFolder, StringComparison.Ordinal))
            {
                Assert.True(File.Exists(path), $"identity schema {path} should exist after rewriting");
            }
        }
    }

    [QuickstartFact]
    public void Registration_hooks_and_durations_of_the_email_password_profile_are_typed()
    {
        var file = Path.Combine(ReferenceData.QuickstartRoot!, "email-password", "kratos.yml");

        var result = ConfigLoader.Load([file], new Dictionary<string, string>());

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        var flows = result.Config!.SelfService.Flows;
        Assert.Equal(TimeSpan.FromMinutes(10), flows.Login.Lifespan);
        Assert.Equal(TimeSpan.FromMinutes(15), flows.Settings.PrivilegedSessionMaxAge);
        Assert.Equal(["session", "show_verification_ui"], flows.Registration.After.Password!.Hooks.Select(hook => hook.Hook));
        Assert.Equal("http://127.0.0.1:4455/welcome", flows.Verification.After.DefaultBrowserReturnUrl);
        Assert.True(result.Config.Tree["feature_flags"]!["use_continue_with_transitions"]!.GetValue<bool>());
    }
}
