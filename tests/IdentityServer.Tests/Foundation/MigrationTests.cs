using IdentityServer.Cli;
using IdentityServer.Persistence;
using IdentityServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Tests.Foundation;

public class MigrationTests
{
    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Migrating_an_empty_database_twice_is_idempotent(string kind)
    {
        var dsn = await TestDatabases.CreateAsync(kind);
        using var store = new Store(Dsn.Parse(dsn));
        var first = await store.MigrateAsync();
        Assert.NotEmpty(first);
        var second = await store.MigrateAsync();
        Assert.Empty(second);
        Assert.Empty(await store.PendingMigrationsAsync());

        // The tables are really there: a row goes in and comes out.
        await using var db = store.CreateContext();
        var id = Guid.NewGuid();
        db.Identities.Add(new IdentityServer.Identities.Identity
        {
            Id = id, SchemaId = "default", Traits = """{"email":"a@example.com"}""",
            CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        Assert.Equal(1, await db.Identities.CountAsync(i => i.Id == id));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Migrate_sql_command_applies_with_yes_and_then_reports_up_to_date(string kind)
    {
        var dsn = await TestDatabases.CreateAsync(kind);
        Assert.Equal(0, await CommandLine.RunAsync(["migrate", "sql", dsn, "--yes"]));
        using var store = new Store(Dsn.Parse(dsn));
        Assert.Empty(await store.PendingMigrationsAsync());
        Assert.Equal(0, await CommandLine.RunAsync(["migrate", "sql", dsn, "--yes"]));
    }

    [Fact]
    public async Task Migrate_sql_with_a_malformed_dsn_fails()
    {
        Assert.Equal(1, await CommandLine.RunAsync(["migrate", "sql", "postgres://user:pw@host:5432/", "--yes"]));
    }
}
