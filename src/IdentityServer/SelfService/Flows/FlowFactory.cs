using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.SelfService.Hooks;

namespace IdentityServer.SelfService.Flows;

/// <summary>Creates and persists new flows: ids, lifespan, request URL, form action, CSRF token, before hooks.</summary>
public sealed class FlowFactory(ConfigStore configStore, FlowStore store, CsrfTokens csrf, HookRunner hooks)
{
    /// <param name="IdentityId">The identity a settings flow belongs to.</param>
    /// <param name="SchemaId">The identity schema of the form; the default schema when null.</param>
    public sealed record Options(string Kind, string Type, string? ReturnTo, bool Refresh = false, string Aal = "aal1", Guid? OrganizationId = null,
        Guid? IdentityId = null, string? SchemaId = null);

    public async Task<(FlowRecord Flow, UiContainer Ui)> CreateAsync(HttpContext http, Options options,
        Func<FlowRecord, UiContainer, Task> populate, CancellationToken ct)
    {
        var config = configStore.Current;
        var flowOptions = OptionsFor(config, options.Kind);
        var now = store.Now;
        var baseUrl = PublicUrls.BaseUrl(config, http);
        var flow = new FlowRecord
        {
            Id = Guid.NewGuid(),
            Kind = options.Kind,
            Type = options.Type,
            IssuedAt = now,
            ExpiresAt = now + flowOptions.Lifespan,
            RequestUrl = PublicUrls.Combine(baseUrl, http.Request.Path + http.Request.QueryString),
            ReturnTo = options.ReturnTo,
            State = options.Kind == FlowKinds.Settings ? "show_form" : "choose_method",
            RequestedAal = options.Aal,
            Refresh = options.Refresh,
            OrganizationId = options.OrganizationId,
            IdentitySchemaId = options.SchemaId ?? config.Identity.DefaultSchemaId,
            IdentityId = options.IdentityId,
        };
        var ui = new UiContainer { Action = PublicUrls.Combine(baseUrl, $"/self-service/{options.Kind}?flow={flow.Id}"), Method = "POST" };
        await populate(flow, ui);
        flow.CsrfToken = options.Type == FlowTypes.Browser ? csrf.IssueMasked(http) : "";
        ui.SetCsrf(flow.CsrfToken, first: options.Kind != FlowKinds.Login);

        var before = await hooks.RunAsync(flowOptions.Before.Hooks, new HookContext { Http = http, Flow = flow, Config = config }, ct);
        if (before.Interrupted)
            throw KratosError.BadRequest(before.Messages[0].Text);
        await store.AddAsync(flow, ui, ct);
        return (flow, ui);
    }

    public static FlowOptions OptionsFor(KratosConfig config, string kind) => kind switch
    {
        FlowKinds.Login => config.SelfService.Flows.Login,
        FlowKinds.Registration => config.SelfService.Flows.Registration,
        FlowKinds.Settings => config.SelfService.Flows.Settings,
        FlowKinds.Verification => config.SelfService.Flows.Verification,
        FlowKinds.Recovery => config.SelfService.Flows.Recovery,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a self-service flow"),
    };
}
