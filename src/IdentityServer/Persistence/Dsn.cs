using Microsoft.Data.Sqlite;
using Npgsql;

namespace IdentityServer.Persistence;

public enum StoreKind { Postgres, Cockroach, Sqlite, Memory }

/// <summary>A parsed data source name in Kratos's spelling, turned into a provider connection string.</summary>
public sealed record Dsn(StoreKind Kind, string ConnectionString, string Redacted)
{
    public bool IsSqlite => Kind is StoreKind.Sqlite or StoreKind.Memory;

    public string KindName => Kind switch
    {
        StoreKind.Postgres => "PostgreSQL",
        StoreKind.Cockroach => "CockroachDB",
        StoreKind.Sqlite => "SQLite",
        _ => "in-memory SQLite",
    };

    public static Dsn Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new DsnException("no DSN is set: give `dsn` in the config file or the DSN environment variable (for example sqlite://./data/kratos.db?_fk=true or postgres://user:password@host:5432/kratos)");
        value = value.Trim();
        if (value == "memory")
            return Memory();
        var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
            throw new DsnException($"the DSN \"{RedactUnparsed(value)}\" has no scheme; use postgres://, postgresql://, cockroach://, sqlite:// or the word memory");
        var scheme = value[..schemeEnd].ToLowerInvariant();
        return scheme switch
        {
            "postgres" or "postgresql" => ParsePostgres(value, StoreKind.Postgres),
            "cockroach" or "cockroachdb" or "crdb" => ParsePostgres(value, StoreKind.Cockroach),
            "sqlite" or "sqlite3" => ParseSqlite(value, value[(schemeEnd + 3)..]),
            "mysql" => throw new DsnException("MySQL is not supported; use PostgreSQL (postgres://...), CockroachDB (cockroach://...) or SQLite (sqlite://...)"),
            _ => throw new DsnException($"the DSN scheme \"{scheme}\" is not supported; use postgres://, postgresql://, cockroach://, sqlite:// or memory"),
        };
    }

    private static Dsn Memory()
    {
        // A named shared-cache database lives as long as one connection to it stays open; the
        // store keeps such a connection for the life of the process.
        var name = "kratos-" + Guid.NewGuid().ToString("N");
        var cs = new SqliteConnectionStringBuilder { DataSource = name, Mode = SqliteOpenMode.Memory, Cache = SqliteCacheMode.Shared, DefaultTimeout = 30 };
        return new Dsn(StoreKind.Memory, cs.ConnectionString, "memory");
    }

    private static Dsn ParseSqlite(string original, string rest)
    {
        var query = "";
        var q = rest.IndexOf('?');
        if (q >= 0) { query = rest[(q + 1)..]; rest = rest[..q]; }
        if (rest.Length == 0)
            throw new DsnException($"the SQLite DSN \"{original}\" names no file; use sqlite://./data/kratos.db or sqlite:///var/lib/kratos/kratos.db");
        if (rest.StartsWith("file:", StringComparison.Ordinal))
            rest = rest["file:".Length..];
        if (rest is ":memory:" || query.Contains("mode=memory", StringComparison.Ordinal))
            return Memory();
        var path = rest;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 };
        return new Dsn(StoreKind.Sqlite, cs.ConnectionString, "sqlite://" + rest) { SqliteDirectory = dir };
    }

    public string? SqliteDirectory { get; init; }

    private static Dsn ParsePostgres(string value, StoreKind kind)
    {
        Uri uri;
        try { uri = new Uri(value); }
        catch (UriFormatException e) { throw new DsnException($"the DSN \"{RedactUnparsed(value)}\" is not a valid URL: {e.Message}"); }
        if (string.IsNullOrEmpty(uri.Host))
            throw new DsnException($"the DSN \"{RedactUnparsed(value)}\" names no host; expected {uri.Scheme}://user:password@host:5432/database");
        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length == 0)
            throw new DsnException($"the DSN \"{RedactUnparsed(value)}\" names no database; add it after the host, as in {uri.Scheme}://user:password@{uri.Host}:{(uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port)}/kratos");
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? (kind == StoreKind.Cockroach ? 26257 : 5432) : uri.Port,
            Database = database,
            // Nothing in the server changes session state (SET, LISTEN, temporary tables), so a returned
            // connection needs no reset; without one, each checkout saves a round of reset statements.
            NoResetOnClose = true,
            // Kratos's default for max_conns.
            MaxPoolSize = 2 * Environment.ProcessorCount,
        };
        var userInfo = uri.UserInfo;
        if (userInfo.Length > 0)
        {
            var colon = userInfo.IndexOf(':');
            b.Username = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0) b.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        }
        int? idle = null;
        foreach (var (key, val) in ParseQuery(uri.Query))
        {
            switch (key)
            {
                case "sslmode":
                    b.SslMode = val switch
                    {
                        "disable" => SslMode.Disable,
                        "allow" => SslMode.Allow,
                        "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require,
                        "verify-ca" => SslMode.VerifyCA,
                        "verify-full" => SslMode.VerifyFull,
                        _ => throw new DsnException($"the DSN parameter sslmode=\"{val}\" is not one of disable, allow, prefer, require, verify-ca, verify-full"),
                    };
                    break;
                // 0 means no limit to Go's database/sql, which Kratos uses.
                case "max_conns": b.MaxPoolSize = ParseInt(key, val) is > 0 and var max ? max : UnlimitedPool; break;
                case "max_idle_conns": idle = ParseInt(key, val); break;
                case "connect_timeout": b.Timeout = ParseInt(key, val); break;
                case "search_path": b.SearchPath = val; break;
                case "application_name": b.ApplicationName = val; break;
                // Go driver and Kratos tuning knobs that have no Npgsql counterpart.
                default: break;
            }
        }
        if (idle is { } keptIdle)
            b.MinPoolSize = Math.Min(keptIdle, b.MaxPoolSize);
        var redacted = uri.UserInfo.Contains(':')
            ? value.Replace(":" + uri.UserInfo[(uri.UserInfo.IndexOf(':') + 1)..] + "@", ":xxxxx@", StringComparison.Ordinal)
            : value;
        return new Dsn(kind, b.ConnectionString, redacted);
    }

    private const int UnlimitedPool = 1024;

    private static int ParseInt(string key, string value) =>
        int.TryParse(value, out var n) && n >= 0 ? n : throw new DsnException($"the DSN parameter {key}=\"{value}\" must be a whole number");

    private static IEnumerable<(string, string)> ParseQuery(string query)
    {
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var key = Uri.UnescapeDataString(eq >= 0 ? part[..eq] : part);
            var val = eq >= 0 ? Uri.UnescapeDataString(part[(eq + 1)..]) : "";
            yield return (key, val);
        }
    }

    /// <summary>Masks a password in a DSN that could not be parsed as a URL.</summary>
    public static string RedactUnparsed(string value)
    {
        var at = value.LastIndexOf('@');
        var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        if (at < 0 || schemeEnd < 0 || at < schemeEnd) return value;
        var userInfo = value[(schemeEnd + 3)..at];
        var colon = userInfo.IndexOf(':');
        return colon < 0 ? value : value[..(schemeEnd + 3 + colon + 1)] + "xxxxx" + value[at..];
    }
}

public sealed class DsnException(string message) : Exception(message);
