using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace IdentityServer.Persistence.Migrations;

[DbContext(typeof(PostgresDbContext))]
[Migration("20261123000004_LoginRegistrationCodes")]
public sealed class PostgresLoginRegistrationCodes : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        CREATE TABLE identity_login_codes (
            id uuid PRIMARY KEY,
            flow_id uuid NOT NULL REFERENCES selfservice_flows (id) ON DELETE CASCADE,
            identity_id uuid NULL REFERENCES identities (id) ON DELETE CASCADE,
            address text NOT NULL,
            channel text NOT NULL,
            code_hash text NOT NULL,
            submit_count integer NOT NULL DEFAULT 0,
            issued_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL,
            used_at timestamptz NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE INDEX identity_login_codes_flow_id_idx ON identity_login_codes (flow_id);
        CREATE INDEX identity_login_codes_identity_id_idx ON identity_login_codes (identity_id);
        """);
}

[DbContext(typeof(SqliteDbContext))]
[Migration("20261123000004_LoginRegistrationCodes")]
public sealed class SqliteLoginRegistrationCodes : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        CREATE TABLE identity_login_codes (
            id TEXT NOT NULL PRIMARY KEY,
            flow_id TEXT NOT NULL REFERENCES selfservice_flows (id) ON DELETE CASCADE,
            identity_id TEXT NULL REFERENCES identities (id) ON DELETE CASCADE,
            address TEXT NOT NULL,
            channel TEXT NOT NULL,
            code_hash TEXT NOT NULL,
            submit_count INTEGER NOT NULL DEFAULT 0,
            issued_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX identity_login_codes_flow_id_idx ON identity_login_codes (flow_id);
        CREATE INDEX identity_login_codes_identity_id_idx ON identity_login_codes (identity_id);
        """);
}
