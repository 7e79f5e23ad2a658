using System.Text.Json.Nodes;

namespace IdentityServer.Config;

public sealed class MethodsOptions
{
    public PasswordMethodOptions Password { get; set; } = new();
    public CodeMethodOptions Code { get; set; } = new();
    public ProfileMethodOptions Profile { get; set; } = new();
    public LinkMethodOptions Link { get; set; } = new();
    public TotpMethodOptions Totp { get; set; } = new();
    public LookupSecretMethodOptions LookupSecret { get; set; } = new();
    public WebauthnMethodOptions Webauthn { get; set; } = new();
    public PasskeyMethodOptions Passkey { get; set; } = new();
    public OidcMethodOptions Oidc { get; set; } = new();
}

public abstract class MethodOptions<TConfig> where TConfig : new()
{
    public bool Enabled { get; set; }
    public TConfig Config { get; set; } = new();
}

public sealed class PasswordMethodOptions : MethodOptions<PasswordMethodConfig>
{
    public PasswordMethodOptions() => Enabled = true;
}

public sealed class PasswordMethodConfig
{
    public bool HaveibeenpwnedEnabled { get; set; } = true;
    public string HaveibeenpwnedHost { get; set; } = "api.pwnedpasswords.com";
    public int MaxBreaches { get; set; }
    public bool IgnoreNetworkErrors { get; set; } = true;
    public int MinPasswordLength { get; set; } = 8;
    public bool IdentifierSimilarityCheckEnabled { get; set; } = true;
}

public sealed class CodeMethodOptions : MethodOptions<CodeMethodConfig>
{
    public CodeMethodOptions() => Enabled = true;

    public bool PasswordlessEnabled { get; set; }
    public bool MfaEnabled { get; set; }
}

public sealed class CodeMethodConfig
{
    public TimeSpan Lifespan { get; set; } = TimeSpan.FromHours(1);
    public int MaxSubmissions { get; set; } = 5;
    public bool MissingCredentialFallbackEnabled { get; set; }
}

public sealed class ProfileMethodOptions
{
    public bool Enabled { get; set; } = true;
}

public sealed class LinkMethodOptions : MethodOptions<LinkMethodConfig>;

public sealed class LinkMethodConfig
{
    public string? BaseUrl { get; set; }
    public TimeSpan Lifespan { get; set; } = TimeSpan.FromHours(1);
}

public sealed class TotpMethodOptions : MethodOptions<TotpMethodConfig>;

public sealed class TotpMethodConfig
{
    /// <summary>Shown in authenticator apps; Kratos falls back to the public base URL's host.</summary>
    public string? Issuer { get; set; }
}

public sealed class LookupSecretMethodOptions
{
    public bool Enabled { get; set; }
}

public sealed class WebauthnMethodOptions : MethodOptions<WebauthnMethodConfig>;

public sealed class WebauthnMethodConfig
{
    public bool Passwordless { get; set; }
    public RelyingPartyOptions Rp { get; set; } = new();
}

public sealed class RelyingPartyOptions
{
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string? Origin { get; set; }
    public List<string> Origins { get; set; } = [];
    public string? Icon { get; set; }

    /// <summary>All allowed origins, whether written as origin or origins.</summary>
    public IReadOnlyList<string> AllOrigins => Origin is null ? Origins : [Origin, .. Origins];
}

public sealed class PasskeyMethodOptions : MethodOptions<PasskeyMethodConfig>;

public sealed class PasskeyMethodConfig
{
    public PasskeyRelyingPartyOptions Rp { get; set; } = new();
}

public sealed class PasskeyRelyingPartyOptions
{
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public List<string> Origins { get; set; } = [];
}

public sealed class OidcMethodOptions : MethodOptions<OidcMethodConfig>;

public sealed class OidcMethodConfig
{
    public string? BaseRedirectUri { get; set; }

    /// <summary>Provider entries as written; they have many provider-specific keys.</summary>
    public List<JsonObject> Providers { get; set; } = [];
}
