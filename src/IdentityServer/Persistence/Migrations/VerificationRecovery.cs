using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace IdentityServer.Persistence.Migrations;

// One-time secrets of the verification and recovery flows: six-digit codes and link tokens, stored
// only as HMACs. A secret dies with its flow, its address or its identity.

[DbContext(typeof(PostgresDbContext))]
[Migration("20261123000003_VerificationRecovery")]
public sealed class PostgresVerificationRecovery : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        CREATE TABLE selfservice_verification_secrets (
            id uuid PRIMARY KEY,
            flow_id uuid NOT NULL REFERENCES selfservice_flows (id) ON DELETE CASCADE,
            address_id uuid NOT NULL REFERENCES identity_verifiable_addresses (id) ON DELETE CASCADE,
            method text NOT NULL,
            hash text NOT NULL,
            attempts integer NOT NULL DEFAULT 0,
            used_at timestamptz NULL,
            expires_at timestamptz NOT NULL,
            created_at timestamptz NOT NULL
        );
        CREATE INDEX selfservice_verification_secrets_flow_idx ON selfservice_verification_secrets (flow_id);
        CREATE INDEX selfservice_verification_secrets_address_idx ON selfservice_verification_secrets (address_id);

        CREATE TABLE selfservice_recovery_secrets (
            id uuid PRIMARY KEY,
            flow_id uuid NOT NULL REFERENCES selfservice_flows (id) ON DELETE CASCADE,
            identity_id uuid NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
            address_id uuid NULL REFERENCES identity_recovery_addresses (id) ON DELETE CASCADE,
            method text NOT NULL,
            issued_by_admin boolean NOT NULL DEFAULT false,
            hash text NOT NULL,
            attempts integer NOT NULL DEFAULT 0,
            used_at timestamptz NULL,
            expires_at timestamptz NOT NULL,
            created_at timestamptz NOT NULL
        );
        CREATE INDEX selfservice_recovery_secrets_flow_idx ON selfservice_recovery_secrets (flow_id);
        CREATE INDEX selfservice_recovery_secrets_identity_idx ON selfservice_recovery_secrets (identity_id);
        CREATE INDEX selfservice_recovery_secrets_address_idx ON selfservice_recovery_secrets (address_id);
        """);
}

[DbContext(typeof(SqliteDbContext))]
[Migration("20261123000003_VerificationRecovery")]
public sealed class SqliteVerificationRecovery : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        CREATE TABLE selfservice_verification_secrets (
            id TEXT NOT NULL PRIMARY KEY,
            flow_id TEXT NOT NULL REFERENCES selfservice_flows (id) ON DELETE CASCADE,
            address_id TEXT NOT NULL REFERENCES identity_verifiable_addresses (id) ON DELETE CASCADE,
            method TEXT NOT NULL,
            hash TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            used_at TEXT NULL,
            expires_at TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX selfservice_verification_secrets_flow_idx ON selfservice_verification_secrets (flow_id);
        CREATE INDEX selfservice_verification_secrets_address_idx ON selfservice_verification_secrets (address_id);

        CREATE TABLE selfservice_recovery_secrets (
            id TEXT NOT NULL PRIMARY KEY,
            flow_id TEXT NOT NULL REFERENCES selfservice_flows (id) ON DELETE CASCADE,
            identity_id TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
            address_id TEXT NULL REFERENCES identity_recovery_addresses (id) ON DELETE CASCADE,
            method TEXT NOT NULL,
            issued_by_admin INTEGER NOT NULL DEFAULT 0,
            hash TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            used_at TEXT NULL,
            expires_at TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX selfservice_recovery_secrets_flow_idx ON selfservice_recovery_secrets (flow_id);
        CREATE INDEX selfservice_recovery_secrets_identity_idx ON selfservice_recovery_secrets (identity_id);
        CREATE INDEX selfservice_recovery_secrets_address_idx ON selfservice_recovery_secrets (address_id);
        """);
}
