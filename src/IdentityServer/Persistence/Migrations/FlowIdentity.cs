using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace IdentityServer.Persistence.Migrations;

[DbContext(typeof(PostgresDbContext))]
[Migration("20261122000004_FlowIdentity")]
public sealed class PostgresFlowIdentity : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        ALTER TABLE selfservice_flows ADD COLUMN identity_id uuid NULL REFERENCES identities (id) ON DELETE CASCADE;
        CREATE INDEX selfservice_flows_identity_id_idx ON selfservice_flows (identity_id);
        """);
}

[DbContext(typeof(SqliteDbContext))]
[Migration("20261122000004_FlowIdentity")]
public sealed class SqliteFlowIdentity : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        ALTER TABLE selfservice_flows ADD COLUMN identity_id TEXT NULL REFERENCES identities (id) ON DELETE CASCADE;
        CREATE INDEX selfservice_flows_identity_id_idx ON selfservice_flows (identity_id);
        """);
}
