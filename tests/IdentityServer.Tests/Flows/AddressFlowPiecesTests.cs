using IdentityServer.Config;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Hooks;

namespace IdentityServer.Tests.Flows;

/// <summary>The pieces of the verification and recovery flows that need no server.</summary>
public sealed class AddressFlowPiecesTests
{
    [Fact]
    public void Method_and_flow_defaults_are_kratos_defaults()
    {
        var config = new KratosConfig();
        // Kratos: selfservice.methods.code.config.lifespan and .link.config.lifespan default to 1h,
        // max_submissions to 5; both flows use code and live an hour.
        Assert.Equal(TimeSpan.FromHours(1), config.SelfService.Methods.Code.Config.Lifespan);
        Assert.Equal(5, config.SelfService.Methods.Code.Config.MaxSubmissions);
        Assert.Equal(TimeSpan.FromHours(1), config.SelfService.Methods.Link.Config.Lifespan);
        Assert.False(config.SelfService.Methods.Link.Enabled);
        Assert.Equal("code", config.SelfService.Flows.Verification.Use);
        Assert.Equal("code", config.SelfService.Flows.Recovery.Use);
        Assert.False(config.SelfService.Flows.Verification.NotifyUnknownRecipients);
        Assert.Equal(TimeSpan.FromHours(1), config.SelfService.Flows.Verification.Lifespan);
        Assert.Equal(TimeSpan.FromHours(1), config.SelfService.Flows.Recovery.Lifespan);
    }

    [Fact]
    public void Codes_are_six_digits_and_tokens_32_letters_or_digits()
    {
        var codes = Enumerable.Range(0, 200).Select(_ => OneTimeSecrets.NewCode()).ToList();
        Assert.All(codes, c => Assert.Matches("^[0-9]{6}$", c));
        Assert.True(codes.Distinct().Count() > 190);
        var tokens = Enumerable.Range(0, 50).Select(_ => OneTimeSecrets.NewToken()).ToList();
        Assert.All(tokens, t => Assert.Matches("^[A-Za-z0-9]{32}$", t));
        Assert.Equal(50, tokens.Distinct().Count());
    }

    private static KratosConfig WithVerification(bool enabled)
    {
        var config = new KratosConfig();
        config.SelfService.Flows.Verification.Enabled = enabled;
        return config;
    }

    private static List<HookOptions> Hooks(params string[] names) => names.Select(n => new HookOptions { Hook = n }).ToList();

    [Theory]
    [InlineData("session,show_verification_ui", "verification,session,show_verification_ui")]
    [InlineData("web_hook,session,show_verification_ui", "web_hook,verification,session,show_verification_ui")]
    [InlineData("session,web_hook", "session,web_hook,verification")]
    [InlineData("show_verification_ui,web_hook", "verification,show_verification_ui,web_hook")]
    [InlineData("", "verification")]
    [InlineData("verification,session", "verification,session")]
    public void Registration_sends_verification_after_the_web_hooks_and_before_showing_it(string configured, string expected)
    {
        var hooks = Hooks(configured.Split(',', StringSplitOptions.RemoveEmptyEntries));
        var result = VerificationHook.Implicit(WithVerification(true), hooks);
        Assert.Equal(expected, string.Join(",", result.Select(h => h.Hook)));
    }

    [Fact]
    public void Without_verification_the_hooks_stay_as_configured()
    {
        var hooks = Hooks("session", "show_verification_ui");
        Assert.Same(hooks, VerificationHook.Implicit(WithVerification(false), hooks));
    }
}
