using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace IdentityServer.Config;

/// <summary>
/// Typed view of a validated configuration. Defaults match Kratos's defaults, so a key that is not
/// set behaves as it would in Kratos. Anything not typed here is still reachable through <see cref="Tree"/>.
/// </summary>
public sealed class KratosConfig
{
    public string Dsn { get; set; } = "";
    public bool Dev { get; set; }
    public string? Version { get; set; }
    public ServeOptions Serve { get; set; } = new();
    public LogOptions Log { get; set; } = new();
    public SecretsOptions Secrets { get; set; } = new();
    public HashersOptions Hashers { get; set; } = new();
    public CiphersOptions Ciphers { get; set; } = new();
    public IdentityOptions Identity { get; set; } = new();

    [JsonPropertyName("selfservice")]
    public SelfServiceOptions SelfService { get; set; } = new();

    public SessionOptions Session { get; set; } = new();
    public CookiesOptions Cookies { get; set; } = new();
    public CourierOptions Courier { get; set; } = new();
    public DatabaseOptions Database { get; set; } = new();
    public SecurityOptions Security { get; set; } = new();
    /// <summary>Not a Kratos section: this server's in-process caches.</summary>
    public CacheOptions Cache { get; set; } = new();

    /// <summary>The merged configuration tree (files plus environment) this object was read from.</summary>
    [JsonIgnore]
    public JsonObject Tree { get; set; } = new();
}

public sealed class ServeOptions
{
    public PublicEndpointOptions Public { get; set; } = new();
    public AdminEndpointOptions Admin { get; set; } = new();
}

public abstract class EndpointOptions
{
    /// <summary>Interface to listen on; empty or 0.0.0.0 means all interfaces.</summary>
    public string Host { get; set; } = "";
    public int Port { get; set; }
    public Uri? BaseUrl { get; set; }
    public RequestLogOptions RequestLog { get; set; } = new();
}

public sealed class PublicEndpointOptions : EndpointOptions
{
    public PublicEndpointOptions() => Port = 4433;

    public CorsOptions Cors { get; set; } = new();
}

public sealed class AdminEndpointOptions : EndpointOptions
{
    public AdminEndpointOptions() => Port = 4434;
}

public sealed class RequestLogOptions
{
    public bool DisableForHealth { get; set; }
}

public sealed class CorsOptions
{
    public bool Enabled { get; set; }
    public List<string> AllowedOrigins { get; set; } = ["*"];
    public List<string> AllowedMethods { get; set; } = ["POST", "GET", "PUT", "PATCH", "DELETE"];
    public List<string> AllowedHeaders { get; set; } = ["Authorization", "Content-Type", "Max-Age", "X-Session-Token", "X-XSRF-TOKEN", "X-CSRF-TOKEN"];
    public List<string> ExposedHeaders { get; set; } = ["Content-Type"];
    public bool AllowCredentials { get; set; } = true;
    public bool OptionsPassthrough { get; set; }
    public int MaxAge { get; set; }
    public bool Debug { get; set; }
}

public sealed class LogOptions
{
    /// <summary>trace, debug, info, warning, error, fatal or panic.</summary>
    public string Level { get; set; } = "info";

    /// <summary>text or json.</summary>
    public string Format { get; set; } = "text";

    public bool LeakSensitiveValues { get; set; }
    public string? RedactionText { get; set; }
}

public sealed class SecretsOptions
{
    public List<string> Default { get; set; } = [];
    public List<string> Cookie { get; set; } = [];
    public List<string> Cipher { get; set; } = [];
    public List<string> Pagination { get; set; } = [];

    /// <summary>Cookie secrets, falling back to the default secrets as Kratos does.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> EffectiveCookie => Cookie.Count > 0 ? Cookie : Default;
}

public sealed class HashersOptions
{
    /// <summary>bcrypt or argon2.</summary>
    public string Algorithm { get; set; } = "bcrypt";
    public BcryptOptions Bcrypt { get; set; } = new();
    public Argon2Options Argon2 { get; set; } = new();
}

public sealed class BcryptOptions
{
    public int Cost { get; set; } = 12;
}

public sealed class Argon2Options
{
    /// <summary>Memory per hash in bytes (written like 128MB in the file).</summary>
    [JsonConverter(typeof(ByteSizeJsonConverter))]
    public long Memory { get; set; } = 128L * 1024 * 1024;

    public int Iterations { get; set; } = 1;
    public int Parallelism { get; set; } = Environment.ProcessorCount * 2;
    public int SaltLength { get; set; } = 16;
    public int KeyLength { get; set; } = 32;
    public TimeSpan ExpectedDuration { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan ExpectedDeviation { get; set; } = TimeSpan.FromMilliseconds(500);

    [JsonConverter(typeof(ByteSizeJsonConverter))]
    public long DedicatedMemory { get; set; } = 1024L * 1024 * 1024;
}

public sealed class CiphersOptions
{
    /// <summary>noop, aes or xchacha20-poly1305.</summary>
    public string Algorithm { get; set; } = "noop";
}

public sealed class IdentityOptions
{
    public string DefaultSchemaId { get; set; } = "default";
    public List<IdentitySchemaOptions> Schemas { get; set; } = [];
}

public sealed class IdentitySchemaOptions
{
    public string Id { get; set; } = "";

    /// <summary>
    /// Where the identity schema lives: file://, http(s):// or base64://. For file:// the rest of the URL
    /// is a path, so file://identity-schemas/x.json is relative to the current directory and
    /// file:///etc/x.json is absolute.
    /// </summary>
    public string Url { get; set; } = "";

    public bool SelfserviceSelectable { get; set; }

    /// <summary>The file path for a file:// URL, or null for other schemes.</summary>
    [JsonIgnore]
    public string? LocalFilePath => Url.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? Url["file://".Length..] : null;
}

public sealed class SessionOptions
{
    public TimeSpan Lifespan { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How soon before expiry a session may be extended; null means at any time.</summary>
    public TimeSpan? EarliestPossibleExtend { get; set; }

    public SessionCookieOptions Cookie { get; set; } = new();
    public WhoamiOptions Whoami { get; set; } = new();
}

public sealed class SessionCookieOptions
{
    public string Name { get; set; } = "ory_kratos_session";
    public string? Domain { get; set; }
    public string? Path { get; set; }

    /// <summary>Strict, Lax or None; null means the value of cookies.same_site.</summary>
    public string? SameSite { get; set; }

    public bool Persistent { get; set; } = true;

    /// <summary>"true" or "false"; unset means Secure unless dev mode is on.</summary>
    public string? Secure { get; set; }
}

public sealed class WhoamiOptions
{
    /// <summary>aal1 or highest_available.</summary>
    public string RequiredAal { get; set; } = "highest_available";
}

public sealed class CookiesOptions
{
    public string? Domain { get; set; }
    public string Path { get; set; } = "/";

    /// <summary>Strict, Lax or None.</summary>
    public string SameSite { get; set; } = "Lax";

    /// <summary>"true" or "false" for the CSRF and continuity cookies; unset means Secure unless dev mode is on.</summary>
    public string? Secure { get; set; }
}

public sealed class CacheOptions
{
    public SessionCacheOptions Sessions { get; set; } = new();
}

/// <summary>`cache.sessions`: resolved sessions kept in memory by token hash (see Sessions/SessionCache).</summary>
public sealed class SessionCacheOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>How long a resolved session may be answered from memory before it is read again.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(10);
    public int MaxEntries { get; set; } = 10_000;
}

public sealed class DatabaseOptions
{
    /// <summary>Applies migrations when serve starts. This server's own addition to the Kratos format.</summary>
    public bool MigrateOnStart { get; set; }
}
