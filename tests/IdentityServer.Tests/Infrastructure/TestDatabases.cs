using Npgsql;

namespace IdentityServer.Tests.Infrastructure;

/// <summary>
/// Fresh, empty databases for tests: a new PostgreSQL database on the server the test script
/// started (TEST_DATABASE_URL), or a new SQLite file.
/// </summary>
public static class TestDatabases
{
    public static string PostgresServerUrl =>
        Environment.GetEnvironmentVariable("TEST_DATABASE_URL")
        ?? throw new InvalidOperationException("TEST_DATABASE_URL is not set: run the tests with ./scripts/test.sh, which starts PostgreSQL.");

    /// <summary>Creates an empty database and returns its DSN in Kratos's URL form.</summary>
    public static async Task<string> CreatePostgresAsync()
    {
        var server = new Uri(PostgresServerUrl);
        var name = "t_" + Guid.NewGuid().ToString("N");
        var admin = IdentityServer.Persistence.Dsn.Parse(PostgresServerUrl).ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await cmd.ExecuteNonQueryAsync();
        }
        var builder = new UriBuilder(server) { Path = "/" + name };
        return builder.Uri.ToString();
    }

    public static string CreateSqlite()
    {
        var dir = Path.Combine(Path.GetTempPath(), "identityserver-tests");
        Directory.CreateDirectory(dir);
        return "sqlite://" + Path.Combine(dir, Guid.NewGuid().ToString("N") + ".db") + "?_fk=true";
    }

    /// <summary>Both stores, for theories that must hold on each.</summary>
    public static TheoryData<string> Kinds => new() { "postgres", "sqlite" };

    public static async Task<string> CreateAsync(string kind) =>
        kind == "postgres" ? await CreatePostgresAsync() : CreateSqlite();
}
