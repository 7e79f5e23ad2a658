using IdentityServer.Config;
using IdentityServer.Errors;

namespace IdentityServer.SelfService.Flows;

/// <summary>The checks every flow request shares: the flow id, the flow itself, CSRF or its absence, expiry.</summary>
public sealed class FlowLoader(ConfigStore configStore, FlowStore store, CsrfTokens csrf)
{
    public static Guid ParseId(string? raw) => Guid.TryParse(raw, out var id) ? id : throw FlowErrors.FlowIdMissing();

    /// <summary>`GET .../flows?id=`: unknown or malformed ids are 404 as in Kratos; browser flows need the CSRF cookie.</summary>
    public async Task<FlowRecord> FetchAsync(HttpContext http, string kind, string? rawId, CancellationToken ct)
    {
        if (!Guid.TryParse(rawId, out var id) || await store.FindAsync(id, kind, ct) is not { } flow)
            throw FlowErrors.FlowNotFound();
        if (flow.Type == FlowTypes.Browser && !csrf.Matches(http, flow.CsrfToken))
            throw csrf.Violation(http, tokenSent: true);
        if (flow.ExpiresAt < store.Now)
            throw ExpiredOnFetch(configStore.Current, http, flow);
        return flow;
    }

    /// <summary>410 for fetching an expired flow, pointing at the endpoint that starts a new one.</summary>
    public static KratosError ExpiredOnFetch(KratosConfig config, HttpContext http, FlowRecord flow)
    {
        var kind = flow.Kind;
        var details = new System.Text.Json.Nodes.JsonObject();
        if (flow.Type == FlowTypes.Browser)
        {
            details["redirect_to"] = PublicUrls.Combine(PublicUrls.BaseUrl(config, http), $"/self-service/{kind}/browser");
            details["return_to"] = flow.ReturnTo ?? "";
        }
        else details["api"] = PublicUrls.Combine(PublicUrls.BaseUrl(config, http), $"/self-service/{kind}/api");
        return new KratosError(410, "The requested resource is no longer available because it has expired or is otherwise invalid.",
            "self_service_flow_expired",
            flow.Type == FlowTypes.Browser
                ? $"The {kind} flow has expired. Redirect the user to the {kind} flow init endpoint to initialize a new {kind} flow."
                : $"The {kind} flow has expired. Call the {kind} flow init API endpoint to initialize a new {kind} flow.",
            details);
    }

    /// <summary>The flow a submission names; the flow's type decides whether CSRF or no cookies are required.</summary>
    public async Task<FlowRecord> LoadForSubmitAsync(HttpContext http, string kind, CancellationToken ct)
    {
        var id = ParseId(http.Request.Query["flow"]);
        return await store.FindAsync(id, kind, ct) ?? throw FlowErrors.FlowNotFound();
    }

    public void CheckRequestOrigin(HttpContext http, FlowRecord flow, string? sentToken)
    {
        if (flow.Type == FlowTypes.Api)
        {
            if (!string.IsNullOrEmpty(http.Request.Headers.Origin.ToString()))
                throw FlowErrors.OriginOnApiFlow();
            // Cloudflare sets cookies that clients cannot avoid; Kratos ignores them too.
            var cookies = http.Request.Cookies.Keys
                .Where(c => !c.StartsWith("__cf", StringComparison.Ordinal) && !c.StartsWith("_cf", StringComparison.Ordinal) && !c.StartsWith("cf_", StringComparison.Ordinal))
                .ToList();
            if (cookies.Count > 0) throw FlowErrors.CookieOnApiFlow(cookies);
            return;
        }
        var token = string.IsNullOrEmpty(sentToken) ? http.Request.Headers[CsrfTokens.HeaderName].ToString() : sentToken;
        if (!csrf.Matches(http, token))
            throw csrf.Violation(http, tokenSent: !string.IsNullOrEmpty(token));
    }

    public bool IsExpired(FlowRecord flow) => flow.ExpiresAt < store.Now;
}
