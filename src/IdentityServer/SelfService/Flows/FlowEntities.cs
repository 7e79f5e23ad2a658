namespace IdentityServer.SelfService.Flows;

public static class FlowKinds
{
    public const string Login = "login";
    public const string Registration = "registration";
    public const string Settings = "settings";
    public const string Verification = "verification";
    public const string Recovery = "recovery";
}

public static class FlowTypes
{
    public const string Browser = "browser";
    public const string Api = "api";
}

/// <summary>One self-service flow row; <see cref="Kind"/> tells login and registration apart.</summary>
public sealed class FlowRecord
{
    public Guid Id { get; set; }
    public string Kind { get; set; } = "";
    public string Type { get; set; } = FlowTypes.Browser;
    public DateTime ExpiresAt { get; set; }
    public DateTime IssuedAt { get; set; }
    public string RequestUrl { get; set; } = "";
    public string? ReturnTo { get; set; }
    /// <summary>The UI container as JSON.</summary>
    public string Ui { get; set; } = "{}";
    public string State { get; set; } = "choose_method";
    public string? Active { get; set; }
    public string RequestedAal { get; set; } = "aal1";
    public bool Refresh { get; set; }
    public Guid? OrganizationId { get; set; }
    /// <summary>The masked anti-CSRF token handed to the browser with this flow; empty for API flows.</summary>
    public string CsrfToken { get; set; } = "";
    public string? IdentitySchemaId { get; set; }
    /// <summary>The identity a settings flow belongs to (also recovery and verification once known).</summary>
    public Guid? IdentityId { get; set; }
    /// <summary>Server-side state of a flow that is not shown to clients (JSON), e.g. a settings change waiting for re-authentication.</summary>
    public string? InternalContext { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>An error shown to a person through the error UI (`GET /self-service/errors?id=`).</summary>
public sealed class FlowErrorRecord
{
    public Guid Id { get; set; }
    public string Error { get; set; } = "{}";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
