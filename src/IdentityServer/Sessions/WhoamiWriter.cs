using System.Buffers;
using System.Text.Json;
using IdentityServer.Identities;

namespace IdentityServer.Sessions;

/// <summary>
/// Writes the whoami answer (session, public identity, devices) straight to UTF-8 without building a
/// JSON tree: stored JSON documents (traits, metadata, methods) are copied as they are. It must give
/// the same document as <see cref="SessionJson.Render"/>, which a test checks. The record's address and
/// device lists are sorted in place.
/// </summary>
public static class WhoamiWriter
{
    public static void Write(IBufferWriter<byte> output, SessionRecord s, string schemaUrl, DateTime now)
    {
        using var w = new Utf8JsonWriter(output);
        var identity = s.Identity!;
        w.WriteStartObject();
        w.WriteString("id"u8, s.Id);
        w.WriteBoolean("active"u8, SessionJson.IsActive(s, now));
        IdentityJson.WriteTime(w, "expires_at"u8, s.ExpiresAt);
        IdentityJson.WriteTime(w, "authenticated_at"u8, s.AuthenticatedAt);
        w.WriteString("authenticator_assurance_level"u8, s.Aal);
        w.WriteStartArray("authentication_methods"u8);
        foreach (var m in SessionJson.ParseMethods(s.AuthenticationMethods))
        {
            w.WriteStartObject();
            w.WriteString("method"u8, m.Method);
            w.WriteString("aal"u8, m.Aal);
            IdentityJson.WriteTime(w, "completed_at"u8, m.CompletedAt);
            if (m.Provider is not null) w.WriteString("provider"u8, m.Provider);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        IdentityJson.WriteTime(w, "issued_at"u8, s.IssuedAt);

        w.WritePropertyName("identity"u8);
        w.WriteStartObject();
        w.WriteString("id"u8, identity.Id);
        w.WriteString("schema_id"u8, identity.SchemaId);
        w.WriteString("schema_url"u8, schemaUrl);
        w.WriteString("state"u8, identity.State);
        WriteTimeOrNull(w, "state_changed_at"u8, identity.StateChangedAt);
        w.WritePropertyName("traits"u8);
        w.WriteRawValue(identity.Traits, skipInputValidation: true);
        w.WriteStartArray("verifiable_addresses"u8);
        identity.VerifiableAddresses.Sort(static (a, b) => string.CompareOrdinal(a.Value, b.Value));
        foreach (var a in identity.VerifiableAddresses)
        {
            w.WriteStartObject();
            w.WriteString("id"u8, a.Id);
            w.WriteString("value"u8, a.Value);
            w.WriteBoolean("verified"u8, a.Verified);
            w.WriteString("via"u8, a.Via);
            w.WriteString("status"u8, a.Status);
            WriteTimeOrNull(w, "verified_at"u8, a.VerifiedAt);
            IdentityJson.WriteTime(w, "created_at"u8, a.CreatedAt);
            IdentityJson.WriteTime(w, "updated_at"u8, a.UpdatedAt);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("recovery_addresses"u8);
        identity.RecoveryAddresses.Sort(static (a, b) => string.CompareOrdinal(a.Value, b.Value));
        foreach (var a in identity.RecoveryAddresses)
        {
            w.WriteStartObject();
            w.WriteString("id"u8, a.Id);
            w.WriteString("value"u8, a.Value);
            w.WriteString("via"u8, a.Via);
            IdentityJson.WriteTime(w, "created_at"u8, a.CreatedAt);
            IdentityJson.WriteTime(w, "updated_at"u8, a.UpdatedAt);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WritePropertyName("metadata_public"u8);
        if (identity.MetadataPublic is null) w.WriteNullValue();
        else w.WriteRawValue(identity.MetadataPublic, skipInputValidation: true);
        if (identity.ExternalId is not null) w.WriteString("external_id"u8, identity.ExternalId);
        IdentityJson.WriteTime(w, "created_at"u8, identity.CreatedAt);
        IdentityJson.WriteTime(w, "updated_at"u8, identity.UpdatedAt);
        if (identity.OrganizationId is { } org) w.WriteString("organization_id"u8, org);
        else w.WriteNull("organization_id"u8);
        w.WriteEndObject();

        w.WriteStartArray("devices"u8);
        s.Devices.Sort(static (a, b) => a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : a.Id.CompareTo(b.Id));
        foreach (var d in s.Devices)
        {
            w.WriteStartObject();
            w.WriteString("id"u8, d.Id);
            WriteStringOrNull(w, "ip_address"u8, d.IpAddress);
            WriteStringOrNull(w, "user_agent"u8, d.UserAgent);
            WriteStringOrNull(w, "location"u8, d.Location);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteTimeOrNull(Utf8JsonWriter w, ReadOnlySpan<byte> name, DateTime? value)
    {
        if (value is { } v) IdentityJson.WriteTime(w, name, v);
        else w.WriteNull(name);
    }

    private static void WriteStringOrNull(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }
}
