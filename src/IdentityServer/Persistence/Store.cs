using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace IdentityServer.Persistence;

/// <summary>
/// The database behind the server: which provider, how to open contexts, migrations and the
/// readiness probe. One instance per process.
/// </summary>
public sealed class Store : IDisposable
{
    private readonly SqliteConnection? _memoryKeepAlive;

    public Store(Dsn dsn)
    {
        Dsn = dsn;
        if (dsn.Kind == StoreKind.Memory)
        {
            // The in-memory database exists only while a connection to it is open.
            _memoryKeepAlive = new SqliteConnection(dsn.ConnectionString);
            _memoryKeepAlive.Open();
        }
        if (dsn.Kind == StoreKind.Sqlite && dsn.SqliteDirectory is { } dir)
            Directory.CreateDirectory(dir);
        if (dsn.Kind == StoreKind.Sqlite)
            UseWriteAheadLog(dsn);
    }

    /// <summary>
    /// In SQLite's default journal mode readers block writers, and concurrent requests fail with
    /// "database is locked". The write-ahead log lets reads and one write proceed together; the
    /// setting is stored in the database file.
    /// </summary>
    private static void UseWriteAheadLog(Dsn dsn)
    {
        using var connection = new SqliteConnection(dsn.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    public Dsn Dsn { get; }

    /// <summary>Opens the store, turning file-system and SQLite failures into a message for a person.</summary>
    public static Store Open(Dsn dsn)
    {
        try
        {
            return new Store(dsn);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new DsnException($"cannot open the {dsn.KindName} database at {dsn.Redacted}: {e.Message}");
        }
    }

    public void Configure(DbContextOptionsBuilder options)
    {
        // Related collections load in one query each rather than one wide join.
        if (Dsn.IsSqlite)
            options.UseSqlite(Dsn.ConnectionString, o => o.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery));
        else
            options.UseNpgsql(Dsn.ConnectionString, o => o.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery));
        // Migrations are hand-written SQL, so there is no model snapshot to compare against.
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }

    /// <summary>Registers <see cref="AppDbContext"/> as the provider's context, pooled, with the interceptors registered as services.</summary>
    public void Register(IServiceCollection services)
    {
        services.AddSingleton(this);
        void ConfigureWithInterceptors(IServiceProvider sp, DbContextOptionsBuilder options)
        {
            Configure(options);
            options.AddInterceptors(sp.GetServices<IInterceptor>());
        }
        if (Dsn.IsSqlite)
            services.AddDbContextPool<AppDbContext, SqliteDbContext>(ConfigureWithInterceptors);
        else
            services.AddDbContextPool<AppDbContext, PostgresDbContext>(ConfigureWithInterceptors);
    }

    /// <summary>Opens a context outside of dependency injection (command line, tests).</summary>
    public AppDbContext CreateContext()
    {
        if (Dsn.IsSqlite)
        {
            var b = new DbContextOptionsBuilder<SqliteDbContext>();
            Configure(b);
            return new SqliteDbContext(b.Options);
        }
        var p = new DbContextOptionsBuilder<PostgresDbContext>();
        Configure(p);
        return new PostgresDbContext(p.Options);
    }

    public async Task<IReadOnlyList<string>> PendingMigrationsAsync(CancellationToken ct = default)
    {
        await using var db = CreateContext();
        return (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
    }

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        await using var db = CreateContext();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
            await db.Database.MigrateAsync(ct);
        return pending;
    }

    /// <summary>Checks that the database answers a trivial query; returns the failure or null.</summary>
    public async Task<string?> CheckAsync(CancellationToken ct = default)
    {
        DbConnection connection = Dsn.IsSqlite
            ? new SqliteConnection(Dsn.ConnectionString)
            : new NpgsqlConnection(Dsn.ConnectionString);
        await using (connection)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                await connection.OpenAsync(timeout.Token);
                await using var cmd = connection.CreateCommand();
                cmd.CommandText = "SELECT 1";
                await cmd.ExecuteScalarAsync(timeout.Token);
                return null;
            }
            catch (Exception e) when (e is DbException or OperationCanceledException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                // Pooled connections to a database that went away are dead; drop them so that the
                // next probe opens fresh ones and sees the database come back.
                if (connection is NpgsqlConnection npgsql)
                    NpgsqlConnection.ClearPool(npgsql);
                return e is OperationCanceledException ? "the database did not answer within 3 seconds" : e.Message;
            }
        }
    }

    public void Dispose() => _memoryKeepAlive?.Dispose();
}
