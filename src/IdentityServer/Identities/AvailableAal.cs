using System.Text.Json.Nodes;

namespace IdentityServer.Identities;

/// <summary>
/// The highest authenticator assurance level an identity can reach with its credentials: aal2 as soon
/// as it has a second factor (TOTP app, lookup secrets, a security key that is not passwordless),
/// aal1 with only first factors, aal0 with none. Stored in identities.available_aal by every write
/// through <see cref="IdentityManager"/>; code that changes credentials on its own calls <see cref="Refresh"/>.
/// </summary>
public static class AvailableAal
{
    public const string Aal0 = "aal0";
    public const string Aal1 = "aal1";
    public const string Aal2 = "aal2";

    public static void Refresh(Identity identity) => identity.AvailableAal = Of(identity.Credentials);

    public static string Of(IEnumerable<IdentityCredential> credentials) => Of(credentials, codeIsSecondFactor: false);

    /// <param name="codeIsSecondFactor">
    /// `selfservice.methods.code.mfa_enabled`: as in Kratos, code addresses then count as a second factor.
    /// The stored value does not know the configuration, so checks that honour it compute it with this.
    /// </param>
    public static string Of(IEnumerable<IdentityCredential> credentials, bool codeIsSecondFactor)
    {
        var list = credentials.ToList();
        if (list.Any(IsSecondFactor) || (codeIsSecondFactor && list.Any(IsCodeWithAddresses))) return Aal2;
        if (list.Any(IsFirstFactor)) return Aal1;
        return Aal0;
    }

    /// <summary>An otpauth://totp/ URL carrying a secret, as authenticator apps read them.</summary>
    public static bool IsTotpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && uri.Scheme == "otpauth"
        && string.Equals(uri.Host, "totp", StringComparison.OrdinalIgnoreCase)
        && !string.IsNullOrEmpty(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query)["secret"].ToString());

    private static bool IsSecondFactor(IdentityCredential credential)
    {
        var config = Parse(credential.Config);
        return credential.Type switch
        {
            "totp" => IsTotpUrl(config?["totp_url"] is JsonValue v && v.TryGetValue<string>(out var url) ? url : null),
            "lookup_secret" => config?["recovery_codes"] is JsonArray { Count: > 0 },
            "webauthn" => SecurityKeys(config).Any(k => !IsPasswordless(k)),
            _ => false,
        };
    }

    private static bool IsFirstFactor(IdentityCredential credential)
    {
        var config = Parse(credential.Config);
        return credential.Type switch
        {
            "password" => config?["hashed_password"] is JsonValue v && v.TryGetValue<string>(out var hash) && hash.Length > 0,
            "oidc" or "saml" => config?["providers"] is JsonArray { Count: > 0 },
            "code" => IsCodeWithAddresses(credential),
            "passkey" => SecurityKeys(config).Any(),
            // A passwordless key only signs in when an identifier leads to the identity.
            "webauthn" => credential.Identifiers.Count > 0 && SecurityKeys(config).Any(IsPasswordless),
            _ => false,
        };
    }

    private static bool IsCodeWithAddresses(IdentityCredential credential) =>
        credential.Type == "code" && Parse(credential.Config)?["addresses"] is JsonArray { Count: > 0 };

    private static IEnumerable<JsonNode?> SecurityKeys(JsonNode? config) => config?["credentials"] as JsonArray ?? [];

    private static bool IsPasswordless(JsonNode? key) =>
        key?["is_passwordless"] is JsonValue v && v.TryGetValue<bool>(out var passwordless) && passwordless;

    private static JsonNode? Parse(string json)
    {
        try { return JsonNode.Parse(json); }
        catch (System.Text.Json.JsonException) { return null; }
    }
}
