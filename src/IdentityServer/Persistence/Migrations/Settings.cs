using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace IdentityServer.Persistence.Migrations;

[DbContext(typeof(PostgresDbContext))]
[Migration("20261123000001_Settings")]
public sealed class PostgresSettings : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        ALTER TABLE selfservice_flows ADD COLUMN internal_context jsonb NULL;
        """);
}

[DbContext(typeof(SqliteDbContext))]
[Migration("20261123000001_Settings")]
public sealed class SqliteSettings : Migration
{
    protected override void Up(MigrationBuilder m) => m.Sql("""
        ALTER TABLE selfservice_flows ADD COLUMN internal_context TEXT NULL;
        """);
}
