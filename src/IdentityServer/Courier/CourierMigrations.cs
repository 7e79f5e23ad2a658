using IdentityServer.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace IdentityServer.Courier;

[DbContext(typeof(PostgresDbContext))]
[Migration("20261123000002_Courier")]
public sealed class PostgresCourier : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        CREATE TABLE courier_messages (
            id uuid PRIMARY KEY,
            type text NOT NULL,
            status text NOT NULL,
            channel text NOT NULL,
            recipient text NOT NULL,
            subject text NOT NULL,
            body text NOT NULL,
            template_type text NOT NULL,
            template_data jsonb NOT NULL,
            send_count integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE INDEX courier_messages_due_idx ON courier_messages (status, next_attempt_at);
        CREATE INDEX courier_messages_created_at_idx ON courier_messages (created_at DESC, id);
        CREATE INDEX courier_messages_recipient_idx ON courier_messages (recipient);

        CREATE TABLE courier_message_dispatches (
            id uuid PRIMARY KEY,
            message_id uuid NOT NULL REFERENCES courier_messages (id) ON DELETE CASCADE,
            status text NOT NULL,
            error jsonb NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE INDEX courier_message_dispatches_message_id_idx ON courier_message_dispatches (message_id, created_at);
        """);
}

[DbContext(typeof(SqliteDbContext))]
[Migration("20261123000002_Courier")]
public sealed class SqliteCourier : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        CREATE TABLE courier_messages (
            id TEXT NOT NULL PRIMARY KEY,
            type TEXT NOT NULL,
            status TEXT NOT NULL,
            channel TEXT NOT NULL,
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            template_type TEXT NOT NULL,
            template_data TEXT NOT NULL,
            send_count INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX courier_messages_due_idx ON courier_messages (status, next_attempt_at);
        CREATE INDEX courier_messages_created_at_idx ON courier_messages (created_at DESC, id);
        CREATE INDEX courier_messages_recipient_idx ON courier_messages (recipient);

        CREATE TABLE courier_message_dispatches (
            id TEXT NOT NULL PRIMARY KEY,
            message_id TEXT NOT NULL REFERENCES courier_messages (id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            error TEXT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX courier_message_dispatches_message_id_idx ON courier_message_dispatches (message_id, created_at);
        """);
}
