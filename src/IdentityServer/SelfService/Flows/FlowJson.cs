using System.Text.Json.Nodes;
using IdentityServer.Identities;

namespace IdentityServer.SelfService.Flows;

/// <summary>Renders a flow in the `loginFlow` / `registrationFlow` / `settingsFlow` shape.</summary>
public static class FlowJson
{
    /// <param name="identity">The identity a settings flow belongs to, as the public identity JSON.</param>
    public static JsonObject Render(FlowRecord flow, JsonObject? identity = null)
    {
        var json = new JsonObject
        {
            ["id"] = flow.Id.ToString(),
            ["organization_id"] = flow.OrganizationId?.ToString(),
            ["type"] = flow.Type,
            ["expires_at"] = IdentityJson.Time(flow.ExpiresAt),
            ["issued_at"] = IdentityJson.Time(flow.IssuedAt),
            ["request_url"] = flow.RequestUrl,
        };
        if (flow.ReturnTo is not null) json["return_to"] = flow.ReturnTo;
        if (flow.Active is not null) json["active"] = flow.Active;
        json["ui"] = UiContainer.Parse(flow.Ui).ToJson();
        if (flow.Kind == FlowKinds.Login)
        {
            json["created_at"] = IdentityJson.Time(flow.CreatedAt);
            json["updated_at"] = IdentityJson.Time(flow.UpdatedAt);
            json["refresh"] = flow.Refresh;
            json["requested_aal"] = flow.RequestedAal;
        }
        if (identity is not null) json["identity"] = identity.DeepClone();
        json["state"] = flow.State;
        return json;
    }
}
