// INTERIM: replaced by the real configuration subsystem at merge.
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace IdentityServer.Config;

public enum ConfigValueSource { Default, File, Environment }

public sealed class KratosConfig
{
    public string? Dsn { get; set; }
    public ServeConfig Serve { get; set; } = new();
    public LogConfig Log { get; set; } = new();
    public DatabaseConfig Database { get; set; } = new();
    public IdentityConfig Identity { get; set; } = new();
    public HashersConfig Hashers { get; set; } = new();
}
public sealed class IdentityConfig
{
    public string DefaultSchemaId { get; set; } = "default";
    public List<IdentitySchemaConfig> Schemas { get; set; } = [];
}
public sealed class IdentitySchemaConfig { public string Id { get; set; } = ""; public string Url { get; set; } = ""; }
public sealed class HashersConfig
{
    public string Algorithm { get; set; } = "bcrypt";
    public int BcryptCost { get; set; } = 12;
}
public sealed class ServeConfig
{
    public ListenerConfig Public { get; set; } = new() { Port = 4433 };
    public ListenerConfig Admin { get; set; } = new() { Port = 4434 };
}
public sealed class ListenerConfig
{
    public string? Host { get; set; }
    public int Port { get; set; }
    public string? BaseUrl { get; set; }
}
public sealed class LogConfig
{
    public string Level { get; set; } = "info";
    public string Format { get; set; } = "text";
    public bool LeakSensitiveValues { get; set; }
}
public sealed class DatabaseConfig { public bool MigrateOnStart { get; set; } }

public sealed record ConfigProblem(string Text) { public override string ToString() => Text; }

public sealed class ConfigLoadResult
{
    public KratosConfig? Config { get; init; }
    public IReadOnlyList<ConfigProblem> Problems { get; init; } = [];
    public bool IsValid => Problems.Count == 0;
    public ConfigValueSource DsnSource { get; init; }
}

public static class ConfigLoader
{
    public static ConfigLoadResult Load(IReadOnlyList<string> files, IReadOnlyDictionary<string, string> env)
    {
        var c = new KratosConfig();
        var src = ConfigValueSource.Default;
        foreach (var f in files)
        {
            if (!File.Exists(f)) return new ConfigLoadResult { Problems = [new ConfigProblem($"{f}: file not found")] };
            var y = new YamlStream(); y.Load(new StringReader(File.ReadAllText(f)));
            var root = (YamlMappingNode)y.Documents[0].RootNode;
            string? Get(params string[] path)
            {
                YamlNode n = root;
                foreach (var p in path) { if (n is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(p), out var v)) n = v; else return null; }
                return (n as YamlScalarNode)?.Value;
            }
            if (Get("dsn") is { } d) { c.Dsn = d; src = ConfigValueSource.File; }
            if (Get("serve", "public", "port") is { } pp) c.Serve.Public.Port = int.Parse(pp);
            if (Get("serve", "admin", "port") is { } ap) c.Serve.Admin.Port = int.Parse(ap);
            if (Get("serve", "public", "host") is { } ph) c.Serve.Public.Host = ph;
            if (Get("serve", "admin", "host") is { } ah) c.Serve.Admin.Host = ah;
            if (Get("log", "level") is { } ll) c.Log.Level = ll;
            if (Get("log", "format") is { } lf) c.Log.Format = lf;
            if (Get("database", "migrate_on_start") is { } mm) c.Database.MigrateOnStart = mm == "true";
            if (Get("serve", "public", "base_url") is { } pb) c.Serve.Public.BaseUrl = pb;
            if (Get("identity", "default_schema_id") is { } ds) c.Identity.DefaultSchemaId = ds;
            if (Get("hashers", "algorithm") is { } ha) c.Hashers.Algorithm = ha;
            if (Get("hashers", "bcrypt", "cost") is { } hc) c.Hashers.BcryptCost = int.Parse(hc);
            if (root.Children.TryGetValue(new YamlScalarNode("identity"), out var idn) && idn is YamlMappingNode idm
                && idm.Children.TryGetValue(new YamlScalarNode("schemas"), out var sn) && sn is YamlSequenceNode seq)
                c.Identity.Schemas = seq.Children.OfType<YamlMappingNode>().Select(m => new IdentitySchemaConfig
                {
                    Id = ((YamlScalarNode)m[new YamlScalarNode("id")]).Value!,
                    Url = ((YamlScalarNode)m[new YamlScalarNode("url")]).Value!,
                }).ToList();
        }
        if (env.TryGetValue("DSN", out var e)) { c.Dsn = e; src = ConfigValueSource.Environment; }
        if (env.TryGetValue("SERVE_PUBLIC_PORT", out var p2)) c.Serve.Public.Port = int.Parse(p2);
        if (env.TryGetValue("SERVE_ADMIN_PORT", out var a2)) c.Serve.Admin.Port = int.Parse(a2);
        if (env.TryGetValue("LOG_LEVEL", out var l2)) c.Log.Level = l2;
        _ = new JsonObject();
        return new ConfigLoadResult { Config = c, DsnSource = src };
    }
}
