using IdentityServer.Hosting;

namespace IdentityServer.Tests.Infrastructure;

/// <summary>Starts the real server (Kestrel on free loopback ports) from a YAML config text.</summary>
public static class TestServer
{
    public static string WriteConfig(string yaml)
    {
        var dir = Path.Combine(Path.GetTempPath(), "identityserver-tests", "config");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, Guid.NewGuid().ToString("N") + ".yml");
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>The smallest valid configuration for a given DSN, plus extra YAML appended.</summary>
    public static string MinimalConfig(string dsn, string extra = "") => $"""
        dsn: "{dsn}"
        database:
          migrate_on_start: true
        serve:
          public:
            host: 127.0.0.1
            base_url: http://127.0.0.1:4433/
          admin:
            host: 127.0.0.1
            base_url: http://127.0.0.1:4434/
        identity:
          default_schema_id: default
          schemas:
            - id: default
              url: file://{Path.Combine(TestPaths.RepoRoot, "identity-schemas", "email-password.schema.json")}
        secrets:
          cookie: ["a-test-cookie-secret-of-32-chars!"]
          cipher: ["a-test-cipher-secret-of-32-chars"]
        selfservice:
          default_browser_return_url: http://127.0.0.1:4455/
        {extra}
        """;

    public static Task<RunningServer> StartAsync(string dsn, string extraYaml = "") =>
        ServerApp.StartAsync(new ServeRequest([WriteConfig(MinimalConfig(dsn, extraYaml))], Dev: true)
        {
            Environment = new Dictionary<string, string>(),
            PortOverride = 0,
        });
}
