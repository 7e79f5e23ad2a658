using System.Text.Json.Nodes;
using IdentityServer.Errors;

namespace IdentityServer.SelfService.Flows;

/// <summary>A Kratos error with extra top-level fields next to `error` (use_flow_id, redirect_browser_to, ...).</summary>
public sealed class FlowError(int code, string message, string? id, string? reason, JsonObject? details, JsonObject extra)
    : KratosError(code, message, id, reason, details)
{
    public JsonObject Extra { get; } = extra;

    public override JsonObject ToJson(string? requestId)
    {
        var json = base.ToJson(requestId);
        foreach (var (key, value) in Extra) json[key] = value?.DeepClone();
        return json;
    }
}

/// <summary>A submission the strategy rejected: the flow now carries the messages to show.</summary>
public sealed class FlowValidationException(FlowRecord flow, UiContainer ui) : Exception("The flow has validation errors.")
{
    public FlowRecord Flow { get; } = flow;
    public UiContainer Ui { get; } = ui;
}

public static class FlowErrors
{
    public static FlowError Expired(Guid newFlowId, DateTime expiredAt, DateTime now)
    {
        var ago = now - expiredAt;
        return new FlowError(410, "self-service flow expired", "self_service_flow_expired",
            $"The self-service flow expired {ago.TotalMinutes:0.00} minutes ago, initialize a new one.", null,
            new JsonObject
            {
                ["expired_at"] = Identities.IdentityJson.Time(expiredAt),
                ["since"] = (long)(ago.Ticks * 100),
                ["use_flow_id"] = newFlowId.ToString(),
            });
    }

    public static FlowError BrowserLocationChangeRequired(string redirectTo) =>
        new(422, "browser location change required", "browser_location_change_required",
            $"In order to complete this flow please redirect the browser to: {redirectTo}", null,
            new JsonObject { ["redirect_browser_to"] = redirectTo });

    public static KratosError AlreadyLoggedIn(string kind) => new(400, "you are already logged in", "session_already_available",
        kind == FlowKinds.Login
            ? "A valid session was detected and thus login is not possible. Did you forget to set `?refresh=true`?"
            : "A valid session was detected and thus registration is not possible.");

    public static KratosError Aal1Required() => new(401, "aal2 and aal3 can only be requested if a session exists already",
        "session_aal1_required", "You can not requested a higher AAL (AAL2/AAL3) without an active session.");

    public static KratosError RegistrationDisabled() => new(400, "registration flow disabled", "self_service_flow_disabled",
        "Registration is not allowed because it was disabled.");

    public static KratosError FlowIdMissing() => KratosError.BadRequest("The flow query parameter is missing or malformed.");

    public static KratosError FlowNotFound() => KratosError.NotFound("The requested flow could not be found.");

    public static KratosError OriginOnApiFlow() => KratosError.BadRequest(
        "The HTTP Request Header included the \"Origin\" key, indicating that this request was made as part of an AJAX request in a Browser. The flow however was initiated as an API request. To prevent potential misuse and mitigate several attack vectors including CSRF, the request has been blocked. Please consult the documentation.");

    public static KratosError CookieOnApiFlow(IEnumerable<string> cookies) => new(400, KratosError.DefaultMessage(400), null,
        "The HTTP Request Header included the \"Cookie\" key, indicating that this request was made by a Browser. The flow however was initiated as an API request. To prevent potential misuse and mitigate several attack vectors including CSRF, the request has been blocked. Please consult the documentation.",
        new JsonObject { ["found cookies"] = new JsonArray(cookies.Select(c => (JsonNode)JsonValue.Create(c)).ToArray()) });
}
