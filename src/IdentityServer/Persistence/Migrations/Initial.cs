using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace IdentityServer.Persistence.Migrations;

// Migrations are written by hand in each provider's SQL so that indexes (jsonb GIN, partial
// unique indexes) are exactly what we want. Each one is applied once and recorded in
// __EFMigrationsHistory.

[DbContext(typeof(PostgresDbContext))]
[Migration("20261122000001_Identities")]
public sealed class PostgresIdentities : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        CREATE TABLE identities (
            id uuid PRIMARY KEY,
            schema_id text NOT NULL,
            traits jsonb NOT NULL,
            state text NOT NULL,
            state_changed_at timestamptz NULL,
            metadata_public jsonb NULL,
            metadata_admin jsonb NULL,
            external_id text NULL,
            organization_id uuid NULL,
            available_aal text NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE UNIQUE INDEX identities_external_id_uq ON identities (external_id) WHERE external_id IS NOT NULL;
        CREATE INDEX identities_organization_id_idx ON identities (organization_id) WHERE organization_id IS NOT NULL;
        CREATE INDEX identities_traits_idx ON identities USING gin (traits jsonb_path_ops);

        CREATE TABLE identity_credentials (
            id uuid PRIMARY KEY,
            identity_id uuid NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
            type text NOT NULL,
            config jsonb NOT NULL,
            version integer NOT NULL DEFAULT 0,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE UNIQUE INDEX identity_credentials_identity_type_uq ON identity_credentials (identity_id, type);

        CREATE TABLE identity_credential_identifiers (
            id uuid PRIMARY KEY,
            identity_credential_id uuid NOT NULL REFERENCES identity_credentials (id) ON DELETE CASCADE,
            identity_credential_type text NOT NULL,
            identifier text NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE UNIQUE INDEX identity_credential_identifiers_type_identifier_uq ON identity_credential_identifiers (identity_credential_type, identifier);
        CREATE INDEX identity_credential_identifiers_credential_idx ON identity_credential_identifiers (identity_credential_id);
        CREATE INDEX identity_credential_identifiers_identifier_prefix_idx ON identity_credential_identifiers (identifier text_pattern_ops);

        CREATE TABLE identity_verifiable_addresses (
            id uuid PRIMARY KEY,
            identity_id uuid NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
            via text NOT NULL,
            value text NOT NULL,
            verified boolean NOT NULL DEFAULT false,
            status text NOT NULL,
            verified_at timestamptz NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE UNIQUE INDEX identity_verifiable_addresses_via_value_uq ON identity_verifiable_addresses (via, value);
        CREATE INDEX identity_verifiable_addresses_identity_idx ON identity_verifiable_addresses (identity_id);

        CREATE TABLE identity_recovery_addresses (
            id uuid PRIMARY KEY,
            identity_id uuid NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
            via text NOT NULL,
            value text NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE UNIQUE INDEX identity_recovery_addresses_via_value_uq ON identity_recovery_addresses (via, value);
        CREATE INDEX identity_recovery_addresses_identity_idx ON identity_recovery_addresses (identity_id);
        """);
}

[DbContext(typeof(SqliteDbContext))]
[Migration("20261122000001_Identities")]
public sealed class SqliteIdentities : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        CREATE TABLE identities (
            id TEXT NOT NULL PRIMARY KEY,
            schema_id TEXT NOT NULL,
            traits TEXT NOT NULL,
            state TEXT NOT NULL,
            state_changed_at TEXT NULL,
            metadata_public TEXT NULL,
            metadata_admin TEXT NULL,
            external_id TEXT NULL,
            organization_id TEXT NULL,
            available_aal TEXT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX identities_external_id_uq ON identities (external_id) WHERE external_id IS NOT NULL;
        CREATE INDEX identities_organization_id_idx ON identities (organization_id);

        CREATE TABLE identity_credentials (
            id TEXT NOT NULL PRIMARY KEY,
            identity_id TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            config TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX identity_credentials_identity_type_uq ON identity_credentials (identity_id, type);

        CREATE TABLE identity_credential_identifiers (
            id TEXT NOT NULL PRIMARY KEY,
            identity_credential_id TEXT NOT NULL REFERENCES identity_credentials (id) ON DELETE CASCADE,
            identity_credential_type TEXT NOT NULL,
            identifier TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX identity_credential_identifiers_type_identifier_uq ON identity_credential_identifiers (identity_credential_type, identifier);
        CREATE INDEX identity_credential_identifiers_credential_idx ON identity_credential_identifiers (identity_credential_id);

        CREATE TABLE identity_verifiable_addresses (
            id TEXT NOT NULL PRIMARY KEY,
            identity_id TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
            via TEXT NOT NULL,
            value TEXT NOT NULL,
            verified INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL,
            verified_at TEXT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX identity_verifiable_addresses_via_value_uq ON identity_verifiable_addresses (via, value);
        CREATE INDEX identity_verifiable_addresses_identity_idx ON identity_verifiable_addresses (identity_id);

        CREATE TABLE identity_recovery_addresses (
            id TEXT NOT NULL PRIMARY KEY,
            identity_id TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
            via TEXT NOT NULL,
            value TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX identity_recovery_addresses_via_value_uq ON identity_recovery_addresses (via, value);
        CREATE INDEX identity_recovery_addresses_identity_idx ON identity_recovery_addresses (identity_id);
        """);
}
