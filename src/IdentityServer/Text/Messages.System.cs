using System.Text.Json.Nodes;

namespace IdentityServer.Text;

public static partial class Messages
{
    public static UiText SystemGeneric(string reason) =>
        Error(MessageIds.SystemGeneric, reason, new JsonObject { ["reason"] = reason });

    public static UiText SystemNoAuthenticationMethodsAvailable() =>
        Error(MessageIds.SystemNoAuthenticationMethodsAvailable,
            "No authentication methods are available. Please contact the system administrator.");

    public static UiText SystemOrganizationNoSsoProvidersAvailable() =>
        Error(MessageIds.SystemOrganizationNoSsoProvidersAvailable,
            "Your organization requires SSO authentication, but no SSO provider is configured. Please contact the system administrator.");
}
