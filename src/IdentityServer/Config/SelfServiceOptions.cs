using System.Text.Json.Nodes;

namespace IdentityServer.Config;

public sealed class SelfServiceOptions
{
    public string? DefaultBrowserReturnUrl { get; set; }
    public List<string> AllowedReturnUrls { get; set; } = [];
    public MethodsOptions Methods { get; set; } = new();
    public FlowsOptions Flows { get; set; } = new();
}

/// <summary>One entry of a hook list: <c>{ hook: session }</c> or <c>{ hook: web_hook, config: {...} }</c>.</summary>
public sealed class HookOptions
{
    public string Hook { get; set; } = "";
    public JsonObject? Config { get; set; }
}

public sealed class BeforeOptions
{
    public List<HookOptions> Hooks { get; set; } = [];
}

public sealed class MethodAfterOptions
{
    public string? DefaultBrowserReturnUrl { get; set; }
    public List<HookOptions> Hooks { get; set; } = [];
}

/// <summary>
/// What happens after a flow completes: overall and per authentication method. Shared by all flows;
/// the schema decides which methods each flow accepts.
/// </summary>
public sealed class AfterOptions
{
    public string? DefaultBrowserReturnUrl { get; set; }
    public List<HookOptions> Hooks { get; set; } = [];
    public MethodAfterOptions? Password { get; set; }
    public MethodAfterOptions? Code { get; set; }
    public MethodAfterOptions? Oidc { get; set; }
    public MethodAfterOptions? Webauthn { get; set; }
    public MethodAfterOptions? Passkey { get; set; }
    public MethodAfterOptions? Totp { get; set; }
    public MethodAfterOptions? LookupSecret { get; set; }
    public MethodAfterOptions? Profile { get; set; }

    /// <summary>The settings for a method by its configuration name (password, lookup_secret, ...), or null.</summary>
    public MethodAfterOptions? ForMethod(string method) => method switch
    {
        "password" => Password,
        "code" => Code,
        "oidc" => Oidc,
        "webauthn" => Webauthn,
        "passkey" => Passkey,
        "totp" => Totp,
        "lookup_secret" => LookupSecret,
        "profile" => Profile,
        _ => null,
    };

    /// <summary>The return URL for a method: the method's own, else the flow's, else null.</summary>
    public string? ReturnUrlFor(string method) => ForMethod(method)?.DefaultBrowserReturnUrl ?? DefaultBrowserReturnUrl;
}

public sealed class FlowsOptions
{
    public LoginFlowOptions Login { get; set; } = new();
    public RegistrationFlowOptions Registration { get; set; } = new();
    public SettingsFlowOptions Settings { get; set; } = new();
    public RecoveryFlowOptions Recovery { get; set; } = new();
    public VerificationFlowOptions Verification { get; set; } = new();
    public LogoutFlowOptions Logout { get; set; } = new();
    public ErrorFlowOptions Error { get; set; } = new();
}

public abstract class FlowOptions
{
    protected FlowOptions(string fallbackUiUrl) => UiUrl = fallbackUiUrl;

    public string UiUrl { get; set; }
    public TimeSpan Lifespan { get; set; } = TimeSpan.FromHours(1);
    public BeforeOptions Before { get; set; } = new();
    public AfterOptions After { get; set; } = new();
}

public sealed class LoginFlowOptions() : FlowOptions("https://www.ory.com/kratos/docs/fallback/login")
{
    /// <summary>unified or identifier_first.</summary>
    public string Style { get; set; } = "unified";
}

public sealed class RegistrationFlowOptions() : FlowOptions("https://www.ory.com/kratos/docs/fallback/registration")
{
    public bool Enabled { get; set; } = true;
    public bool LoginHints { get; set; }
    public bool EnableLegacyOneStep { get; set; }

    /// <summary>unified or profile_first.</summary>
    public string Style { get; set; } = "profile_first";
}

public sealed class SettingsFlowOptions() : FlowOptions("https://www.ory.com/kratos/docs/fallback/settings")
{
    public TimeSpan PrivilegedSessionMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>aal1 or highest_available.</summary>
    public string RequiredAal { get; set; } = "highest_available";
}

public sealed class RecoveryFlowOptions() : FlowOptions("https://www.ory.com/kratos/docs/fallback/recovery")
{
    public bool Enabled { get; set; }

    /// <summary>link or code.</summary>
    public string Use { get; set; } = "code";

    public bool NotifyUnknownRecipients { get; set; }
}

public sealed class VerificationFlowOptions() : FlowOptions("https://www.ory.com/kratos/docs/fallback/verification")
{
    public bool Enabled { get; set; }

    /// <summary>link or code.</summary>
    public string Use { get; set; } = "code";

    public bool NotifyUnknownRecipients { get; set; }
}

public sealed class LogoutFlowOptions
{
    public bool ClearBrowserData { get; set; }
    public LogoutAfterOptions After { get; set; } = new();
}

public sealed class LogoutAfterOptions
{
    public string? DefaultBrowserReturnUrl { get; set; }
}

public sealed class ErrorFlowOptions
{
    public string UiUrl { get; set; } = "https://www.ory.com/kratos/docs/fallback/error";
}
