using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Hosting;
using IdentityServer.Tests.Infrastructure;

namespace IdentityServer.Tests.Foundation;

public class ServerStartTests
{
    private static ServeRequest Request(string yaml) =>
        new([TestServer.WriteConfig(yaml)], Dev: true) { Environment = new Dictionary<string, string>(), PortOverride = 0 };

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Ready_answers_ok_on_both_listeners(string kind)
    {
        await using var server = await TestServer.StartAsync(await TestDatabases.CreateAsync(kind));
        using var http = new HttpClient();
        foreach (var url in new[] { server.PublicUrl, server.AdminUrl })
        {
            foreach (var path in new[] { "health/ready", "health/alive" })
            {
                var response = await http.GetAsync(new Uri(url, path));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("ok", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
            }
            var version = JsonNode.Parse(await http.GetStringAsync(new Uri(url, "version")))!;
            Assert.False(string.IsNullOrEmpty(version["version"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Admin_routes_answer_only_on_the_admin_listener()
    {
        await using var server = await TestServer.StartAsync(TestDatabases.CreateSqlite());
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(server.AdminUrl, "admin/health/ready"))).StatusCode);
        var onPublic = await http.GetAsync(new Uri(server.PublicUrl, "admin/health/ready"));
        Assert.Equal(HttpStatusCode.NotFound, onPublic.StatusCode);
        var body = JsonNode.Parse(await onPublic.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(404, body["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Unknown_routes_get_the_kratos_error_shape_with_the_request_id()
    {
        await using var server = await TestServer.StartAsync(TestDatabases.CreateSqlite());
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.PublicUrl, "no/such/route"));
        request.Headers.Add("X-Request-Id", "req-123");
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString());
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(404, error["code"]!.GetValue<int>());
        Assert.Equal("Not Found", error["status"]!.GetValue<string>());
        Assert.Equal("The requested resource could not be found", error["message"]!.GetValue<string>());
        Assert.Equal("req-123", error["request"]!.GetValue<string>());
        Assert.Equal("req-123", response.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task Ready_goes_503_while_postgres_is_down_and_200_when_it_is_back()
    {
        await using var cluster = await PostgresCluster.CreateAsync();
        await using var server = await TestServer.StartAsync(cluster.Dsn);
        using var http = new HttpClient();
        var ready = new Uri(server.PublicUrl, "health/ready");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(ready)).StatusCode);

        await cluster.StopAsync();
        var down = await http.GetAsync(ready);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        var body = JsonNode.Parse(await down.Content.ReadAsStringAsync())!;
        Assert.Equal(503, body["error"]!["code"]!.GetValue<int>());
        Assert.NotNull(body["errors"]!["database"]);

        await cluster.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(ready)).StatusCode);
    }

    [Fact]
    public async Task Serve_refuses_an_unmigrated_database_and_names_the_command()
    {
        var dsn = await TestDatabases.CreatePostgresAsync();
        var yaml = TestServer.MinimalConfig(dsn).Replace("migrate_on_start: true", "migrate_on_start: false");
        var e = await Assert.ThrowsAsync<StartupException>(() => ServerApp.BuildAsync(Request(yaml)));
        Assert.Contains("not migrated", e.Message);
        Assert.Contains("migrate sql", e.Message);
    }

    [Fact]
    public async Task Serve_refuses_an_unreachable_database_with_a_clear_message()
    {
        var port = PostgresCluster.FreePort();
        var yaml = TestServer.MinimalConfig($"postgres://kratos:hunter2@127.0.0.1:{port}/kratos?sslmode=disable&connect_timeout=2");
        var e = await Assert.ThrowsAsync<StartupException>(() => ServerApp.BuildAsync(Request(yaml)));
        Assert.Contains("Cannot reach the PostgreSQL database", e.Message);
        Assert.DoesNotContain("hunter2", e.Message);
    }

    [Fact]
    public async Task Serve_refuses_a_sqlite_file_it_cannot_create()
    {
        var blocker = Path.Combine(Path.GetTempPath(), "identityserver-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        File.WriteAllText(blocker, "a file where the database folder should be");
        var yaml = TestServer.MinimalConfig("sqlite://" + Path.Combine(blocker, "kratos.db"));
        var e = await Assert.ThrowsAsync<StartupException>(() => ServerApp.BuildAsync(Request(yaml)));
        Assert.Contains("cannot open the SQLite database", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Serve_refuses_a_malformed_dsn_and_says_what_is_missing()
    {
        var yaml = TestServer.MinimalConfig("postgres://kratos:hunter2@db:5432/");
        var e = await Assert.ThrowsAsync<StartupException>(() => ServerApp.BuildAsync(Request(yaml)));
        Assert.Contains("names no database", e.Message);
        Assert.DoesNotContain("hunter2", e.Message);
    }
}
