using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Identities;

namespace IdentityServer.Sessions;

/// <summary>Renders sessions in Kratos's `session` shape.</summary>
public static class SessionJson
{
    /// <summary>How the identity inside a session is shown.</summary>
    public enum IdentityView { Omit, Public, Admin }

    public static JsonObject Render(SessionRecord s, IIdentitySchemas schemas, IdentityView identityView, bool withDevices, DateTime now)
    {
        var json = new JsonObject
        {
            ["id"] = s.Id.ToString(),
            ["active"] = IsActive(s, now),
            ["expires_at"] = IdentityJson.Time(s.ExpiresAt),
            ["authenticated_at"] = IdentityJson.Time(s.AuthenticatedAt),
            ["authenticator_assurance_level"] = s.Aal,
            ["authentication_methods"] = MethodsJson(ParseMethods(s.AuthenticationMethods)),
            ["issued_at"] = IdentityJson.Time(s.IssuedAt),
        };
        if (identityView != IdentityView.Omit && s.Identity is { } identity)
            json["identity"] = IdentityJson.Render(identity, schemas.PublicUrl(identity.SchemaId), withCredentials: false, [],
                withAdminMetadata: identityView == IdentityView.Admin);
        if (withDevices)
            json["devices"] = new JsonArray(s.Devices.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).Select(d => (JsonNode)new JsonObject
            {
                ["id"] = d.Id.ToString(),
                ["ip_address"] = d.IpAddress,
                ["user_agent"] = d.UserAgent,
                ["location"] = d.Location,
            }).ToArray());
        return json;
    }

    /// <summary>Active as Kratos reports it: not revoked, not expired, and the identity (when loaded) active.</summary>
    public static bool IsActive(SessionRecord s, DateTime now) =>
        s.Active && s.ExpiresAt > now && (s.Identity is null || s.Identity.State == IdentityStates.Active);

    public static JsonArray MethodsJson(IEnumerable<AuthenticationMethod> methods) =>
        new(methods.Select(m =>
        {
            var item = new JsonObject
            {
                ["method"] = m.Method,
                ["aal"] = m.Aal,
                ["completed_at"] = IdentityJson.Time(m.CompletedAt),
            };
            if (m.Provider is not null) item["provider"] = m.Provider;
            return (JsonNode)item;
        }).ToArray());

    public static List<AuthenticationMethod> ParseMethods(string json)
    {
        var list = new List<AuthenticationMethod>();
        using var doc = JsonDocument.Parse(json);
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            list.Add(new AuthenticationMethod(
                item.GetProperty("method").GetString()!,
                item.GetProperty("aal").GetString()!,
                DateTime.SpecifyKind(item.GetProperty("completed_at").GetDateTime().ToUniversalTime(), DateTimeKind.Utc),
                item.TryGetProperty("provider", out var p) ? p.GetString() : null));
        }
        return list;
    }

    public static string SerializeMethods(IEnumerable<AuthenticationMethod> methods) => MethodsJson(methods).ToJsonString();
}
