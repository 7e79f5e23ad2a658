using System.Buffers;
using System.Text.Json;
using IdentityServer.Identities;

namespace IdentityServer.Sessions;

/// <summary>
/// Writes the whoami answer (session, public identity, devices) straight to UTF-8 without building a
/// JSON tree: stored JSON documents (traits, metadata, methods) are copied as they are. It must give
/// the same document as <see cref="SessionJson.Render"/>, which a test checks.
/// </summary>
public static class WhoamiWriter
{
    public static void Write(IBufferWriter<byte> output, SessionRecord s, string schemaUrl, DateTime now)
    {
        using var w = new Utf8JsonWriter(output);
        var identity = s.Identity!;
        w.WriteStartObject();
        w.WriteString("id", s.Id);
        w.WriteBoolean("active", SessionJson.IsActive(s, now));
        w.WriteString("expires_at", IdentityJson.Time(s.ExpiresAt));
        w.WriteString("authenticated_at", IdentityJson.Time(s.AuthenticatedAt));
        w.WriteString("authenticator_assurance_level", s.Aal);
        w.WriteStartArray("authentication_methods");
        foreach (var m in SessionJson.ParseMethods(s.AuthenticationMethods))
        {
            w.WriteStartObject();
            w.WriteString("method", m.Method);
            w.WriteString("aal", m.Aal);
            w.WriteString("completed_at", IdentityJson.Time(m.CompletedAt));
            if (m.Provider is not null) w.WriteString("provider", m.Provider);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("issued_at", IdentityJson.Time(s.IssuedAt));

        w.WritePropertyName("identity");
        w.WriteStartObject();
        w.WriteString("id", identity.Id);
        w.WriteString("schema_id", identity.SchemaId);
        w.WriteString("schema_url", schemaUrl);
        w.WriteString("state", identity.State);
        WriteTimeOrNull(w, "state_changed_at", identity.StateChangedAt);
        w.WritePropertyName("traits");
        w.WriteRawValue(identity.Traits, skipInputValidation: true);
        w.WriteStartArray("verifiable_addresses");
        foreach (var a in identity.VerifiableAddresses.OrderBy(a => a.Value, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("id", a.Id);
            w.WriteString("value", a.Value);
            w.WriteBoolean("verified", a.Verified);
            w.WriteString("via", a.Via);
            w.WriteString("status", a.Status);
            WriteTimeOrNull(w, "verified_at", a.VerifiedAt);
            w.WriteString("created_at", IdentityJson.Time(a.CreatedAt));
            w.WriteString("updated_at", IdentityJson.Time(a.UpdatedAt));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("recovery_addresses");
        foreach (var a in identity.RecoveryAddresses.OrderBy(a => a.Value, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("id", a.Id);
            w.WriteString("value", a.Value);
            w.WriteString("via", a.Via);
            w.WriteString("created_at", IdentityJson.Time(a.CreatedAt));
            w.WriteString("updated_at", IdentityJson.Time(a.UpdatedAt));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WritePropertyName("metadata_public");
        if (identity.MetadataPublic is null) w.WriteNullValue();
        else w.WriteRawValue(identity.MetadataPublic, skipInputValidation: true);
        if (identity.ExternalId is not null) w.WriteString("external_id", identity.ExternalId);
        w.WriteString("created_at", IdentityJson.Time(identity.CreatedAt));
        w.WriteString("updated_at", IdentityJson.Time(identity.UpdatedAt));
        if (identity.OrganizationId is { } org) w.WriteString("organization_id", org);
        else w.WriteNull("organization_id");
        w.WriteEndObject();

        w.WriteStartArray("devices");
        foreach (var d in s.Devices.OrderBy(d => d.CreatedAt))
        {
            w.WriteStartObject();
            w.WriteString("id", d.Id);
            WriteStringOrNull(w, "ip_address", d.IpAddress);
            WriteStringOrNull(w, "user_agent", d.UserAgent);
            WriteStringOrNull(w, "location", d.Location);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteTimeOrNull(Utf8JsonWriter w, string name, DateTime? value)
    {
        if (value is { } v) w.WriteString(name, IdentityJson.Time(v));
        else w.WriteNull(name);
    }

    private static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }
}
