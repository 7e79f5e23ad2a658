using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IdentityServer.Identities;

/// <summary>Renders identities in Kratos's `identity` shape.</summary>
public static class IdentityJson
{
    // Kratos's timestamp form is UTC with microseconds: 2026-01-02T03:04:05.123456Z. The round-trip
    // format "O" is the runtime's fast path and has seven fractional digits ("…05.1234567Z"); putting
    // the Z over the seventh truncates to microseconds exactly as the custom format "ffffff" does.
    private const int RoundTripLength = 28, TimeLength = 27;

    public static string Time(DateTime value)
    {
        Span<char> text = stackalloc char[RoundTripLength];
        DateTime.SpecifyKind(value, DateTimeKind.Utc).TryFormat(text, out _, "O", CultureInfo.InvariantCulture);
        text[TimeLength - 1] = 'Z';
        return new string(text[..TimeLength]);
    }

    /// <summary>Writes <see cref="Time"/> as a JSON property without allocating a string.</summary>
    public static void WriteTime(Utf8JsonWriter writer, ReadOnlySpan<byte> name, DateTime value)
    {
        Span<byte> utf8 = stackalloc byte[RoundTripLength];
        DateTime.SpecifyKind(value, DateTimeKind.Utc).TryFormat(utf8, out _, "O", CultureInfo.InvariantCulture);
        utf8[TimeLength - 1] = (byte)'Z';
        writer.WriteString(name, utf8[..TimeLength]);
    }

    public static JsonNode? TimeOrNull(DateTime? value) => value is { } v ? JsonValue.Create(Time(v)) : null;

    public static JsonNode? ParseOrNull(string? json) => json is null ? null : JsonNode.Parse(json);

    /// <param name="includeCredentialConfig">Credential types whose config is shown (admin `include_credential`).</param>
    /// <param name="withCredentials">Whether the credentials map is shown at all.</param>
    /// <param name="withAdminMetadata">metadata_admin only ever leaves through the admin API.</param>
    public static JsonObject Render(Identity identity, string schemaUrl, bool withCredentials, IReadOnlyCollection<string> includeCredentialConfig, bool withAdminMetadata)
    {
        var json = new JsonObject
        {
            ["id"] = identity.Id.ToString(),
        };
        if (withCredentials)
        {
            var credentials = new JsonObject();
            foreach (var c in identity.Credentials.OrderBy(c => c.Type, StringComparer.Ordinal))
            {
                var item = new JsonObject
                {
                    ["type"] = c.Type,
                    ["identifiers"] = new JsonArray(c.Identifiers.Select(i => (JsonNode)JsonValue.Create(i.Identifier)!).ToArray()),
                    ["version"] = c.Version,
                    ["created_at"] = Time(c.CreatedAt),
                    ["updated_at"] = Time(c.UpdatedAt),
                };
                if (includeCredentialConfig.Contains(c.Type))
                    item["config"] = JsonNode.Parse(c.Config);
                credentials[c.Type] = item;
            }
            json["credentials"] = credentials;
        }
        json["schema_id"] = identity.SchemaId;
        json["schema_url"] = schemaUrl;
        json["state"] = identity.State;
        json["state_changed_at"] = TimeOrNull(identity.StateChangedAt);
        json["traits"] = JsonNode.Parse(identity.Traits);
        json["verifiable_addresses"] = new JsonArray(identity.VerifiableAddresses
            .OrderBy(a => a.Value, StringComparer.Ordinal)
            .Select(a => (JsonNode)new JsonObject
            {
                ["id"] = a.Id.ToString(),
                ["value"] = a.Value,
                ["verified"] = a.Verified,
                ["via"] = a.Via,
                ["status"] = a.Status,
                ["verified_at"] = TimeOrNull(a.VerifiedAt),
                ["created_at"] = Time(a.CreatedAt),
                ["updated_at"] = Time(a.UpdatedAt),
            }).ToArray());
        json["recovery_addresses"] = new JsonArray(identity.RecoveryAddresses
            .OrderBy(a => a.Value, StringComparer.Ordinal)
            .Select(a => (JsonNode)new JsonObject
            {
                ["id"] = a.Id.ToString(),
                ["value"] = a.Value,
                ["via"] = a.Via,
                ["created_at"] = Time(a.CreatedAt),
                ["updated_at"] = Time(a.UpdatedAt),
            }).ToArray());
        json["metadata_public"] = ParseOrNull(identity.MetadataPublic);
        if (withAdminMetadata)
            json["metadata_admin"] = ParseOrNull(identity.MetadataAdmin);
        if (identity.ExternalId is not null)
            json["external_id"] = identity.ExternalId;
        json["created_at"] = Time(identity.CreatedAt);
        json["updated_at"] = Time(identity.UpdatedAt);
        json["organization_id"] = identity.OrganizationId?.ToString();
        return json;
    }
}
