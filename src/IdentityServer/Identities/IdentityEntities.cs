namespace IdentityServer.Identities;

// Database rows of an identity. JSON documents (traits, metadata, credential config) are stored
// as text in SQLite and as jsonb in PostgreSQL.

public sealed class Identity
{
    public Guid Id { get; set; }
    public string SchemaId { get; set; } = "";
    public string Traits { get; set; } = "{}";
    public string State { get; set; } = IdentityStates.Active;
    public DateTime? StateChangedAt { get; set; }
    public string? MetadataPublic { get; set; }
    public string? MetadataAdmin { get; set; }
    public string? ExternalId { get; set; }
    public Guid? OrganizationId { get; set; }
    public string? AvailableAal { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public List<IdentityCredential> Credentials { get; set; } = [];
    public List<IdentityVerifiableAddress> VerifiableAddresses { get; set; } = [];
    public List<IdentityRecoveryAddress> RecoveryAddresses { get; set; } = [];
}

public static class IdentityStates
{
    public const string Active = "active";
    public const string Inactive = "inactive";
}

public sealed class IdentityCredential
{
    public Guid Id { get; set; }
    public Guid IdentityId { get; set; }
    public string Type { get; set; } = "";
    public string Config { get; set; } = "{}";
    public int Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<IdentityCredentialIdentifier> Identifiers { get; set; } = [];
}

public sealed class IdentityCredentialIdentifier
{
    public Guid Id { get; set; }
    public Guid IdentityCredentialId { get; set; }
    /// <summary>Copied from the credential so that the unique index can span (type, identifier).</summary>
    public string CredentialType { get; set; } = "";
    public string Identifier { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class IdentityVerifiableAddress
{
    public Guid Id { get; set; }
    public Guid IdentityId { get; set; }
    public string Via { get; set; } = "email";
    public string Value { get; set; } = "";
    public bool Verified { get; set; }
    public string Status { get; set; } = "pending";
    public DateTime? VerifiedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class IdentityRecoveryAddress
{
    public Guid Id { get; set; }
    public Guid IdentityId { get; set; }
    public string Via { get; set; } = "email";
    public string Value { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
