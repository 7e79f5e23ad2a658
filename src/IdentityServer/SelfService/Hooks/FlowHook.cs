using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Identities;
using IdentityServer.SelfService.Flows;
using IdentityServer.Sessions;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Hooks;

/// <summary>What a hook sees and may change while a flow finishes.</summary>
public sealed class HookContext
{
    public required HttpContext Http { get; init; }
    public required FlowRecord Flow { get; init; }
    /// <summary>The method that completed the flow (password, ...); null for before hooks.</summary>
    public string? Method { get; init; }
    /// <summary>The identity that signed in or was registered; null for before hooks.</summary>
    public Identity? Identity { get; init; }
    public IReadOnlyList<AuthenticationMethod> AuthenticationMethods { get; init; } = [];
    /// <summary>The hook entry's own `config` from the configuration file.</summary>
    public JsonObject? HookConfig { get; set; }
    public required KratosConfig Config { get; init; }

    /// <summary>Set by the session hook (registration) or by the login executor.</summary>
    public IssuedSession? Session { get; set; }
    /// <summary>The session that completed a flow it already existed for (settings): kept by revoke_active_sessions.</summary>
    public Guid? ExistingSessionId { get; init; }
    public List<JsonObject> ContinueWith { get; } = [];
    /// <summary>Where a browser goes next instead of the return URL, when a hook asks for it.</summary>
    public string? RedirectBrowserTo { get; set; }
}

/// <summary>
/// The result of one hook. A hook may stop the flow with messages for the UI (a web hook rejecting
/// the registration, an unverified address); the flow then answers like a validation error.
/// </summary>
public sealed record HookResult(IReadOnlyList<UiText> Messages)
{
    public static readonly HookResult Continue = new([]);
    public bool Interrupted => Messages.Count > 0;
    public static HookResult Interrupt(params UiText[] messages) => new(messages);
}

/// <summary>A hook named in `selfservice.flows.*.before/after.hooks`. Hooks run in the configured order.</summary>
public interface IFlowHook
{
    /// <summary>The `hook` value in the configuration (session, web_hook, ...).</summary>
    string Name { get; }

    Task<HookResult> RunAsync(HookContext context, CancellationToken ct);
}
