using IdentityServer.Persistence;
using Npgsql;

namespace IdentityServer.Tests.Foundation;

public class DsnTests
{
    [Theory]
    [InlineData("postgres://kratos:secret@db:5432/kratos?sslmode=disable", StoreKind.Postgres, "db", 5432, "kratos")]
    [InlineData("postgresql://kratos:secret@db/kratos", StoreKind.Postgres, "db", 5432, "kratos")]
    [InlineData("cockroach://root@crdb:26257/defaultdb?sslmode=disable", StoreKind.Cockroach, "crdb", 26257, "defaultdb")]
    [InlineData("cockroach://root@crdb/defaultdb", StoreKind.Cockroach, "crdb", 26257, "defaultdb")]
    public void Parses_postgres_family(string value, StoreKind kind, string host, int port, string database)
    {
        var dsn = Dsn.Parse(value);
        Assert.Equal(kind, dsn.Kind);
        var cs = new NpgsqlConnectionStringBuilder(dsn.ConnectionString);
        Assert.Equal(host, cs.Host);
        Assert.Equal(port, cs.Port);
        Assert.Equal(database, cs.Database);
        Assert.DoesNotContain("secret", dsn.Redacted);
    }

    [Fact]
    public void Masks_the_password_and_keeps_the_rest()
    {
        var dsn = Dsn.Parse("postgres://kratos:p%40ss@db:5432/kratos?sslmode=require&max_conns=20");
        Assert.Equal("postgres://kratos:xxxxx@db:5432/kratos?sslmode=require&max_conns=20", dsn.Redacted);
        var cs = new NpgsqlConnectionStringBuilder(dsn.ConnectionString);
        Assert.Equal("p@ss", cs.Password);
        Assert.Equal(SslMode.Require, cs.SslMode);
        Assert.Equal(20, cs.MaxPoolSize);
    }

    [Fact]
    public void Postgres_pool_defaults_to_twice_the_cores_as_in_kratos_and_skips_the_reset()
    {
        var cs = new NpgsqlConnectionStringBuilder(Dsn.Parse("postgres://kratos@db:5432/kratos").ConnectionString);
        Assert.Equal(2 * Environment.ProcessorCount, cs.MaxPoolSize);
        Assert.True(cs.NoResetOnClose);
        Assert.Equal(1024, new NpgsqlConnectionStringBuilder(Dsn.Parse("postgres://kratos@db/kratos?max_conns=0").ConnectionString).MaxPoolSize);
        var idleFirst = new NpgsqlConnectionStringBuilder(Dsn.Parse("postgres://kratos@db/kratos?max_idle_conns=10&max_conns=20").ConnectionString);
        Assert.Equal((10, 20), (idleFirst.MinPoolSize, idleFirst.MaxPoolSize));
    }

    [Theory]
    [InlineData("sqlite://./data/kratos.db?_fk=true", "./data/kratos.db")]
    [InlineData("sqlite:///var/lib/kratos/db.sqlite?_fk=true&mode=rwc", "/var/lib/kratos/db.sqlite")]
    public void Parses_sqlite_files(string value, string path)
    {
        var dsn = Dsn.Parse(value);
        Assert.Equal(StoreKind.Sqlite, dsn.Kind);
        Assert.Contains(path, dsn.ConnectionString);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite://file::memory:?_fk=true")]
    [InlineData("sqlite://:memory:")]
    public void Recognises_in_memory_databases(string value) => Assert.Equal(StoreKind.Memory, Dsn.Parse(value).Kind);

    [Theory]
    [InlineData("postgres://kratos:secret@db:5432/", "names no database")]
    [InlineData("postgres://kratos:secret@db:5432", "names no database")]
    [InlineData("localhost:5432/kratos", "has no scheme")]
    [InlineData("mysql://root:secret@db/kratos", "MySQL is not supported")]
    [InlineData("oracle://db/kratos", "not supported")]
    [InlineData("sqlite://", "names no file")]
    [InlineData("postgres://kratos:secret@db/kratos?sslmode=sometimes", "sslmode")]
    [InlineData("postgres://kratos:secret@db/kratos?max_conns=many", "max_conns")]
    [InlineData("postgres://kratos:secret@db/kratos?max_conns=-1", "max_conns")]
    [InlineData("postgres://kratos:secret@db/kratos?max_idle_conns=-2", "max_idle_conns")]
    [InlineData("postgres://kratos:secret@db/kratos?max_conns=99999999999", "max_conns")]
    [InlineData("", "no DSN is set")]
    public void Rejects_malformed_dsns_with_a_reason_and_no_password(string value, string fragment)
    {
        var e = Assert.Throws<DsnException>(() => Dsn.Parse(value));
        Assert.Contains(fragment, e.Message);
        Assert.DoesNotContain("secret", e.Message);
    }
}
