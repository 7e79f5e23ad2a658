using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.Hosting;
using IdentityServer.Identities;
using IdentityServer.SelfService.Strategies.Code;

namespace IdentityServer.SelfService.Flows.Recovery;

/// <summary>
/// `POST /admin/recovery/code` and `POST /admin/recovery/link`: an administrator hands a person a way
/// back into their account. The flow they create is bound to no browser, so the person can open it
/// anywhere; each is answered in Kratos's `recoveryCodeForIdentity` / `recoveryLinkForIdentity` shape.
/// </summary>
public static class AdminRecoveryEndpoints
{
    private const string Disabled = "This endpoint was disabled by system administrator. Please check your url or contact the system administrator to enable it.";

    public static void MapAdminRecovery(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapAdmin();
        admin.MapPost("/recovery/code", CreateCode);
        admin.MapPost("/recovery/link", CreateLink);
    }

    private sealed record Request(Guid IdentityId, TimeSpan ExpiresIn, string FlowType);

    private static async Task<Request> ReadAsync(HttpRequest request, TimeSpan defaultLifespan, bool withFlowType, CancellationToken ct)
    {
        var body = await ErrorHandling.ReadJsonAsync(request, FlowBody.MaxBytes, "Unable to decode JSON payload: ", ct) as JsonObject
            ?? throw KratosError.BadRequest("Unable to decode JSON payload: the body must be a JSON object.");
        if (!(body["identity_id"] is JsonValue idValue && idValue.TryGetValue<string>(out var idText) && Guid.TryParse(idText, out var identityId)))
            throw KratosError.BadRequest("The field `identity_id` is required and must be the identity's id (a UUID).");

        var expiresIn = defaultLifespan;
        if (body["expires_in"] is { } expiresNode)
        {
            var text = expiresNode is JsonValue v && v.TryGetValue<string>(out var s) ? s : expiresNode.ToJsonString();
            if (!GoDuration.TryParse(text, out expiresIn))
                throw KratosError.BadRequest($"Unable to parse \"expires_in\" as a duration string (e.g. \"1h\", \"1m30s\", \"500ms\"): {text}");
            if (expiresIn <= TimeSpan.Zero)
                throw KratosError.BadRequest($"Value from \"expires_in\" must result to a future time: {text}");
        }

        var flowType = FlowTypes.Browser;
        if (withFlowType && body["flow_type"] is { } typeNode)
        {
            flowType = typeNode is JsonValue t && t.TryGetValue<string>(out var type) ? type : typeNode.ToJsonString();
            if (flowType is not (FlowTypes.Browser or FlowTypes.Api))
                throw KratosError.BadRequest($"Value from \"flow_type\" is not valid: \"{flowType}\"");
        }
        return new Request(identityId, expiresIn, flowType);
    }

    private static async Task<IResult> CreateCode(HttpContext http, ConfigStore configStore, RecoveryFlows flows, RecoveryCodeStrategy strategy,
        IdentityManager identities, FlowStore store, CancellationToken ct)
    {
        var config = configStore.Current;
        if (!strategy.IsEnabled(config)) throw KratosError.NotFound(Disabled);
        var request = await ReadAsync(http.Request, strategy.Lifespan(config), withFlowType: true, ct);
        var identity = await identities.FindAsync(request.IdentityId, ct) ?? throw KratosError.NotFound("could not find identity");

        var (flow, ui) = NewFlow(http, config, store, request, strategy.Method, AddressFlows.SentEmail);
        ui.Nodes.AddRange(strategy.CodeForm());
        var code = flows.Issue(flow.Id, identity.Id, null, strategy.Method, request.ExpiresIn, admin: true);
        await store.AddAsync(flow, ui, ct);
        var body = new JsonObject
        {
            ["recovery_link"] = PublicUrls.WithQuery(config.SelfService.Flows.Recovery.UiUrl, "flow", flow.Id.ToString()),
            ["recovery_code"] = code,
            ["expires_at"] = IdentityJson.Time(flow.ExpiresAt),
        };
        return Results.Content(body.ToJsonString(), "application/json; charset=utf-8", statusCode: 201);
    }

    private static async Task<IResult> CreateLink(HttpContext http, ConfigStore configStore, RecoveryFlows flows,
        Strategies.Link.RecoveryLinkStrategy strategy, IdentityManager identities, FlowStore store, CancellationToken ct)
    {
        var config = configStore.Current;
        if (!strategy.IsEnabled(config)) throw KratosError.NotFound(Disabled);
        var request = await ReadAsync(http.Request, strategy.Lifespan(config), withFlowType: false, ct);
        var identity = await identities.FindAsync(request.IdentityId, ct)
            ?? throw KratosError.BadRequest("The requested identity id does not exist.");

        var (flow, ui) = NewFlow(http, config, store, request, strategy.Method, AddressFlows.ChooseMethod);
        strategy.PopulateChooseMethod(ui);
        var token = flows.Issue(flow.Id, identity.Id, null, strategy.Method, request.ExpiresIn, admin: true);
        await store.AddAsync(flow, ui, ct);
        var body = new JsonObject
        {
            ["recovery_link"] = AddressFlows.Link(config, http, FlowKinds.Recovery, flow.Id, strategy.Method, token),
            ["expires_at"] = IdentityJson.Time(flow.ExpiresAt),
        };
        return Results.Content(body.ToJsonString(), "application/json; charset=utf-8");
    }

    /// <summary>A recovery flow that lives as long as the secret and is bound to no CSRF cookie.</summary>
    private static (FlowRecord Flow, UiContainer Ui) NewFlow(HttpContext http, KratosConfig config, FlowStore store, Request request,
        string method, string state)
    {
        var now = store.Now;
        var publicBase = PublicUrls.BaseUrl(config, http);
        var flow = new FlowRecord
        {
            Id = Guid.NewGuid(),
            Kind = FlowKinds.Recovery,
            Type = request.FlowType,
            IssuedAt = now,
            ExpiresAt = now + request.ExpiresIn,
            RequestUrl = PublicUrls.Combine(publicBase, "/self-service/recovery/" + request.FlowType),
            State = state,
            Active = method,
            IdentitySchemaId = config.Identity.DefaultSchemaId,
            CsrfToken = "",
        };
        var ui = new UiContainer { Action = PublicUrls.Combine(publicBase, $"/self-service/recovery?flow={flow.Id}"), Method = "POST" };
        return (flow, ui);
    }
}
