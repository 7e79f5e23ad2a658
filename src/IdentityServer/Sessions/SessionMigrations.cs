using IdentityServer.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace IdentityServer.Sessions;

[DbContext(typeof(PostgresDbContext))]
[Migration("20261122000002_Sessions")]
public sealed class PostgresSessions : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        CREATE TABLE sessions (
            id uuid PRIMARY KEY,
            identity_id uuid NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
            token_hash text NOT NULL,
            active boolean NOT NULL,
            expires_at timestamptz NOT NULL,
            authenticated_at timestamptz NOT NULL,
            issued_at timestamptz NOT NULL,
            aal text NOT NULL,
            authentication_methods jsonb NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE UNIQUE INDEX sessions_token_hash_uq ON sessions (token_hash);
        CREATE INDEX sessions_identity_id_idx ON sessions (identity_id);

        CREATE TABLE session_devices (
            id uuid PRIMARY KEY,
            session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            ip_address text NULL,
            user_agent text NULL,
            location text NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE INDEX session_devices_session_id_idx ON session_devices (session_id);
        """);
}

[DbContext(typeof(SqliteDbContext))]
[Migration("20261122000002_Sessions")]
public sealed class SqliteSessions : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        CREATE TABLE sessions (
            id TEXT NOT NULL PRIMARY KEY,
            identity_id TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL,
            active INTEGER NOT NULL,
            expires_at TEXT NOT NULL,
            authenticated_at TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            aal TEXT NOT NULL,
            authentication_methods TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX sessions_token_hash_uq ON sessions (token_hash);
        CREATE INDEX sessions_identity_id_idx ON sessions (identity_id);

        CREATE TABLE session_devices (
            id TEXT NOT NULL PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            ip_address TEXT NULL,
            user_agent TEXT NULL,
            location TEXT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX session_devices_session_id_idx ON session_devices (session_id);
        """);
}
