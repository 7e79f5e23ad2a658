using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Errors;

namespace IdentityServer.Identities;

public sealed record ImportedVerifiableAddress(string Value, string Via, bool Verified, string Status, DateTime? VerifiedAt);
public sealed record ImportedRecoveryAddress(string Value, string Via);
public sealed record ImportedOidcProvider(string Provider, string Subject);
public sealed record ImportedLookupCode(string Code, DateTime? UsedAt);

/// <summary>
/// A create or update body (`createIdentityBody` / `updateIdentityBody`) with every field's type
/// checked; a wrong type is a 400 that names the field.
/// </summary>
public sealed class IdentityDraft
{
    public string? SchemaId { get; init; }
    public JsonObject Traits { get; init; } = new();
    public string? State { get; init; }
    public JsonNode? MetadataPublic { get; init; }
    public JsonNode? MetadataAdmin { get; init; }
    public bool HasMetadataPublic { get; init; }
    public bool HasMetadataAdmin { get; init; }
    public string? ExternalId { get; init; }
    public bool HasExternalId { get; init; }
    public Guid? OrganizationId { get; init; }
    public List<ImportedVerifiableAddress>? VerifiableAddresses { get; init; }
    public List<ImportedRecoveryAddress>? RecoveryAddresses { get; init; }
    public string? Password { get; init; }
    public string? HashedPassword { get; init; }
    public List<ImportedOidcProvider>? OidcProviders { get; init; }
    public string? TotpUrl { get; init; }
    public List<ImportedLookupCode>? LookupCodes { get; init; }

    public static async Task<JsonObject> ReadBodyAsync(HttpRequest request, CancellationToken ct) =>
        await ErrorHandling.ReadJsonAsync(request, MaxBodyBytes, MalformedReason, ct) as JsonObject
        ?? throw KratosError.BadRequest("The request body must be a JSON object.");

    public const long MaxBodyBytes = 1024 * 1024;
    public const string MalformedReason = "The request body is not valid JSON: ";

    public static IdentityDraft Parse(JsonObject body, bool requireState, bool replace = false)
    {
        var traits = body["traits"] switch
        {
            JsonObject o => o,
            null when body.ContainsKey("traits") => throw Field("traits", "must be an object, not null"),
            null => throw Field("traits", "is required"),
            var other => throw Field("traits", $"must be an object, not {Kind(other)}"),
        };
        var state = OptionalString(body, "state");
        if (state is not null && state is not (IdentityStates.Active or IdentityStates.Inactive))
            throw Field("state", $"must be \"active\" or \"inactive\", not \"{state}\"");
        if (requireState && state is null)
            throw Field("state", "is required");
        Guid? organization = null;
        if (OptionalString(body, "organization_id") is { } org)
            organization = Guid.TryParse(org, out var g) ? g : throw Field("organization_id", "must be a UUID");

        var draft = new IdentityDraft
        {
            SchemaId = OptionalString(body, "schema_id"),
            Traits = (JsonObject)traits.DeepClone(),
            State = state,
            MetadataPublic = body["metadata_public"]?.DeepClone(),
            HasMetadataPublic = replace || body.ContainsKey("metadata_public"),
            MetadataAdmin = body["metadata_admin"]?.DeepClone(),
            HasMetadataAdmin = replace || body.ContainsKey("metadata_admin"),
            ExternalId = OptionalString(body, "external_id") is { Length: > 0 } ext ? ext : null,
            HasExternalId = replace || body.ContainsKey("external_id"),
            OrganizationId = organization,
            VerifiableAddresses = ParseVerifiable(body["verifiable_addresses"]),
            RecoveryAddresses = ParseRecovery(body["recovery_addresses"]),
        };
        return ParseCredentials(draft, body["credentials"]);
    }

    private static IdentityDraft ParseCredentials(IdentityDraft draft, JsonNode? node)
    {
        if (node is null) return draft;
        if (node is not JsonObject credentials) throw Field("credentials", $"must be an object, not {Kind(node)}");
        string? password = null, hashed = null, totp = null;
        List<ImportedOidcProvider>? oidc = null;
        List<ImportedLookupCode>? lookup = null;
        foreach (var (type, value) in credentials)
        {
            var config = value is JsonObject o ? o["config"] : null;
            if (value is not JsonObject) throw Field($"credentials.{type}", "must be an object");
            if (config is not null and not JsonObject) throw Field($"credentials.{type}.config", "must be an object");
            switch (type)
            {
                case "password":
                    password = OptionalString((JsonObject?)config, "password", $"credentials.password.config.");
                    hashed = OptionalString((JsonObject?)config, "hashed_password", $"credentials.password.config.");
                    if (password is null && hashed is null)
                        throw Field("credentials.password.config", "needs either password or hashed_password");
                    if (password is not null && hashed is not null)
                        throw Field("credentials.password.config", "takes password or hashed_password, not both");
                    break;
                case "oidc":
                    oidc = [];
                    if (config?["providers"] is not JsonArray providers)
                        throw Field("credentials.oidc.config.providers", "must be an array of {provider, subject}");
                    foreach (var p in providers)
                    {
                        if (p is not JsonObject po || OptionalString(po, "provider", "credentials.oidc.config.providers[].") is not { } provider
                            || OptionalString(po, "subject", "credentials.oidc.config.providers[].") is not { } subject)
                            throw Field("credentials.oidc.config.providers", "each entry needs provider and subject strings");
                        oidc.Add(new ImportedOidcProvider(provider, subject));
                    }
                    break;
                case "totp":
                    totp = OptionalString((JsonObject?)config, "totp_url", "credentials.totp.config.");
                    if (!AvailableAal.IsTotpUrl(totp))
                        throw Field("credentials.totp.config.totp_url", "must be an otpauth://totp/ URL with a secret");
                    break;
                case "lookup_secret":
                    lookup = ParseLookupCodes(((JsonObject?)config)?["codes"]);
                    break;
                default:
                    throw Field($"credentials.{type}", "cannot be imported; the importable credential types are password, oidc, totp and lookup_secret");
            }
        }
        return new IdentityDraft
        {
            SchemaId = draft.SchemaId, Traits = draft.Traits, State = draft.State,
            MetadataPublic = draft.MetadataPublic, HasMetadataPublic = draft.HasMetadataPublic,
            MetadataAdmin = draft.MetadataAdmin, HasMetadataAdmin = draft.HasMetadataAdmin,
            ExternalId = draft.ExternalId, HasExternalId = draft.HasExternalId, OrganizationId = draft.OrganizationId,
            VerifiableAddresses = draft.VerifiableAddresses, RecoveryAddresses = draft.RecoveryAddresses,
            Password = password, HashedPassword = hashed, OidcProviders = oidc, TotpUrl = totp, LookupCodes = lookup,
        };
    }

    private static List<ImportedLookupCode> ParseLookupCodes(JsonNode? node)
    {
        if (node is not JsonArray { Count: > 0 } codes)
            throw Field("credentials.lookup_secret.config.codes", "must be a non-empty array of {code, used_at}");
        var result = new List<ImportedLookupCode>();
        foreach (var item in codes)
        {
            if (item is not JsonObject o || OptionalString(o, "code", "credentials.lookup_secret.config.codes[].") is not { Length: > 0 } code)
                throw Field("credentials.lookup_secret.config.codes[].code", "is required");
            DateTime? usedAt = null;
            if (OptionalString(o, "used_at", "credentials.lookup_secret.config.codes[].") is { } at)
                usedAt = DateTime.TryParse(at, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
                    ? t : throw Field("credentials.lookup_secret.config.codes[].used_at", "must be an RFC 3339 time");
            result.Add(new ImportedLookupCode(code, usedAt));
        }
        return result;
    }

    private static List<ImportedVerifiableAddress>? ParseVerifiable(JsonNode? node)
    {
        if (node is null) return null;
        if (node is not JsonArray array) throw Field("verifiable_addresses", $"must be an array, not {Kind(node)}");
        var result = new List<ImportedVerifiableAddress>();
        foreach (var item in array)
        {
            if (item is not JsonObject o) throw Field("verifiable_addresses[]", "each entry must be an object");
            var value = OptionalString(o, "value", "verifiable_addresses[].") ?? throw Field("verifiable_addresses[].value", "is required");
            var via = OptionalString(o, "via", "verifiable_addresses[].") ?? "email";
            if (via is not ("email" or "sms")) throw Field("verifiable_addresses[].via", "must be email or sms");
            var verified = o["verified"] switch
            {
                null => false,
                JsonValue v when v.TryGetValue<bool>(out var b) => b,
                _ => throw Field("verifiable_addresses[].verified", "must be a boolean"),
            };
            var status = OptionalString(o, "status", "verifiable_addresses[].") ?? (verified ? "completed" : "pending");
            if (status is not ("pending" or "sent" or "completed")) throw Field("verifiable_addresses[].status", "must be pending, sent or completed");
            DateTime? verifiedAt = null;
            if (OptionalString(o, "verified_at", "verifiable_addresses[].") is { } at)
                verifiedAt = DateTime.TryParse(at, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
                    ? t : throw Field("verifiable_addresses[].verified_at", "must be an RFC 3339 time");
            result.Add(new ImportedVerifiableAddress(value, via, verified, status, verifiedAt));
        }
        return result;
    }

    private static List<ImportedRecoveryAddress>? ParseRecovery(JsonNode? node)
    {
        if (node is null) return null;
        if (node is not JsonArray array) throw Field("recovery_addresses", $"must be an array, not {Kind(node)}");
        return array.Select(item => item is JsonObject o
            ? new ImportedRecoveryAddress(
                OptionalString(o, "value", "recovery_addresses[].") ?? throw Field("recovery_addresses[].value", "is required"),
                OptionalString(o, "via", "recovery_addresses[].") ?? "email")
            : throw Field("recovery_addresses[]", "each entry must be an object")).ToList();
    }

    private static string? OptionalString(JsonObject? o, string name, string prefix = "")
    {
        var node = o?[name];
        if (node is null) return null;
        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Field(prefix + name, $"must be a string, not {Kind(node)}");
    }

    public static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "a value",
        },
        _ => "a value",
    };

    private static KratosError Field(string path, string problem) => KratosError.BadRequest($"The field `{path}` {problem}.");
}
