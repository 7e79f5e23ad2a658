using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace IdentityServer.Persistence.Migrations;

[DbContext(typeof(PostgresDbContext))]
[Migration("20261122000003_Flows")]
public sealed class PostgresFlows : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        CREATE TABLE selfservice_flows (
            id uuid PRIMARY KEY,
            kind text NOT NULL,
            type text NOT NULL,
            expires_at timestamptz NOT NULL,
            issued_at timestamptz NOT NULL,
            request_url text NOT NULL,
            return_to text NULL,
            ui jsonb NOT NULL,
            state text NOT NULL,
            active_method text NULL,
            requested_aal text NOT NULL,
            refresh boolean NOT NULL DEFAULT false,
            organization_id uuid NULL,
            csrf_token text NOT NULL,
            identity_schema_id text NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE INDEX selfservice_flows_expires_at_idx ON selfservice_flows (expires_at);

        CREATE TABLE selfservice_errors (
            id uuid PRIMARY KEY,
            error jsonb NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        """);
}

[DbContext(typeof(SqliteDbContext))]
[Migration("20261122000003_Flows")]
public sealed class SqliteFlows : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        CREATE TABLE selfservice_flows (
            id TEXT NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            type TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            request_url TEXT NOT NULL,
            return_to TEXT NULL,
            ui TEXT NOT NULL,
            state TEXT NOT NULL,
            active_method TEXT NULL,
            requested_aal TEXT NOT NULL,
            refresh INTEGER NOT NULL DEFAULT 0,
            organization_id TEXT NULL,
            csrf_token TEXT NOT NULL,
            identity_schema_id TEXT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX selfservice_flows_expires_at_idx ON selfservice_flows (expires_at);

        CREATE TABLE selfservice_errors (
            id TEXT NOT NULL PRIMARY KEY,
            error TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """);
}
