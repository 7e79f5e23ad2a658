using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace IdentityServer.Persistence.Migrations;

[DbContext(typeof(PostgresDbContext))]
[Migration("20261123000004_LoginRegistrationCodes")]
public sealed class PostgresLoginRegistrationCodes : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        CREATE TABLE selfservice_login_codes (
            id uuid PRIMARY KEY,
            flow_id uuid NOT NULL REFERENCES selfservice_flows (id) ON DELETE CASCADE,
            identity_id uuid NULL REFERENCES identities (id) ON DELETE CASCADE,
            address text NOT NULL,
            channel text NOT NULL,
            method text NOT NULL,
            hash text NOT NULL,
            attempts integer NOT NULL DEFAULT 0,
            used_at timestamptz NULL,
            expires_at timestamptz NOT NULL,
            created_at timestamptz NOT NULL
        );
        CREATE INDEX selfservice_login_codes_flow_idx ON selfservice_login_codes (flow_id);
        CREATE INDEX selfservice_login_codes_identity_idx ON selfservice_login_codes (identity_id);
        """);
}

[DbContext(typeof(SqliteDbContext))]
[Migration("20261123000004_LoginRegistrationCodes")]
public sealed class SqliteLoginRegistrationCodes : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        CREATE TABLE selfservice_login_codes (
            id TEXT NOT NULL PRIMARY KEY,
            flow_id TEXT NOT NULL REFERENCES selfservice_flows (id) ON DELETE CASCADE,
            identity_id TEXT NULL REFERENCES identities (id) ON DELETE CASCADE,
            address TEXT NOT NULL,
            channel TEXT NOT NULL,
            method TEXT NOT NULL,
            hash TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            used_at TEXT NULL,
            expires_at TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX selfservice_login_codes_flow_idx ON selfservice_login_codes (flow_id);
        CREATE INDEX selfservice_login_codes_identity_idx ON selfservice_login_codes (identity_id);
        """);
}
