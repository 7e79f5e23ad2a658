using System.Net;
using IdentityServer.Config;
using IdentityServer.Courier;
using IdentityServer.Errors;
using IdentityServer.Health;
using IdentityServer.Identities;
using IdentityServer.Identities.Schemas;
using IdentityServer.Security.Hashing;
using IdentityServer.Logging;
using IdentityServer.Persistence;
using IdentityServer.Security;
using IdentityServer.Sessions;
using IdentityServer.SelfService;
using IdentityServer.Ui;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Serilog;

namespace IdentityServer.Hosting;

/// <summary>What `serve` was asked to do. The courier dispatcher runs in serve unless WatchCourier is false.</summary>
public sealed record ServeRequest(IReadOnlyList<string> ConfigFiles, bool Dev = false, bool WatchCourier = true)
{
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
    /// <summary>Overrides both listener ports (tests use 0 for free ports).</summary>
    public int? PortOverride { get; init; }
    /// <summary>Runs after every service is registered, so tests can replace one.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}

/// <summary>Raised for a problem that stops the server from starting; the message is for a person.</summary>
public sealed class StartupException(string message) : Exception(message);

/// <summary>A started server and the addresses its two listeners are bound to.</summary>
public sealed class RunningServer(WebApplication app, Uri publicUrl, Uri adminUrl) : IAsyncDisposable
{
    public WebApplication App { get; } = app;
    public Uri PublicUrl { get; } = publicUrl;
    public Uri AdminUrl { get; } = adminUrl;
    public IServiceProvider Services => App.Services;

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

public static class ServerApp
{
    public static IReadOnlyDictionary<string, string> ProcessEnvironment() =>
        System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");

    /// <summary>Loads and checks everything `serve` needs, then builds the web application.</summary>
    public static async Task<WebApplication> BuildAsync(ServeRequest request, CancellationToken ct = default)
    {
        var env = request.Environment ?? ProcessEnvironment();
        if (request.ConfigFiles.Count == 0)
            throw new StartupException("No configuration file was given; pass one with -c, for example: serve -c config/kratos.yml");
        var loaded = ConfigStore.TryCreate(request.ConfigFiles, env, out var configStore);
        if (configStore is null)
            throw new StartupException("The configuration is invalid:\n" + string.Join("\n", loaded.Problems.Select(p => "  " + p)));
        var config = configStore.Current;

        var logger = LoggingSetup.Create(config.Log);
        var dsnSource = loaded.DsnSource == ConfigValueSource.Environment ? "the DSN environment variable" : "the configuration file";
        Dsn dsn;
        try { dsn = Dsn.Parse(config.Dsn); }
        catch (DsnException e) { throw new StartupException($"The DSN from {dsnSource} is invalid: {e.Message}"); }

        logger.Information("Using the {StoreKind} store at {Dsn} (DSN from {DsnSource})", dsn.KindName, dsn.Redacted, dsnSource);
        if (dsn.Kind == StoreKind.Memory)
            logger.Warning("The DSN is `memory`: every identity and session lives in this process only and is LOST when it stops. Use sqlite:// or postgres:// for anything but a quick try.");

        Store store;
        try { store = Store.Open(dsn); }
        catch (DsnException e) { throw new StartupException(char.ToUpperInvariant(e.Message[0]) + e.Message[1..]); }
        try
        {
            var unreachable = await store.CheckAsync(ct);
            if (unreachable is not null)
                throw new StartupException($"Cannot reach the {dsn.KindName} database at {dsn.Redacted}: {unreachable}");
            if (config.Database.MigrateOnStart)
            {
                var applied = await store.MigrateAsync(ct);
                if (applied.Count > 0)
                    logger.Information("Applied {Count} database migrations: {Migrations}", applied.Count, string.Join(", ", applied));
            }
            else
            {
                var pending = await store.PendingMigrationsAsync(ct);
                if (pending.Count > 0)
                    throw new StartupException(
                        $"The {dsn.KindName} database at {dsn.Redacted} is not migrated ({pending.Count} migrations pending). " +
                        "Run `migrate sql -e --yes` (with the DSN environment variable) or `migrate sql -c <config> --yes` first, " +
                        "or set database.migrate_on_start: true in the configuration.");
            }
        }
        catch
        {
            store.Dispose();
            configStore.Dispose();
            throw;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(ServerApp).Assembly.GetName().Name });
        builder.Host.UseSerilog(logger, dispose: false);
        builder.Services.AddSingleton(configStore);
        builder.Services.AddSingleton(request);
        builder.Services.AddSingleton(config);
        store.Register(builder.Services);
        AddIdentityServices(builder.Services, config);
        builder.Services.AddSessions(request.Dev);
        builder.Services.AddSelfService();
        builder.Services.AddCourier(request.WatchCourier);
        if (!request.WatchCourier)
            logger.Information("The courier does not run in this process (serve --watch-courier=false): run `courier watch` with the same configuration to send messages");
        request.ConfigureServices?.Invoke(builder.Services);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 1024 * 1024;
            Listen(k, config.Serve.Public, request.PortOverride, Listener.Public);
            Listen(k, config.Serve.Admin, request.PortOverride, Listener.Admin);
        });

        var app = builder.Build();
        WatchConfig(app, configStore);
        app.UseRequestIds();
        app.UseResponseProtection();
        app.UseKratosErrors();
        app.UseSerilogRequestLogging(o =>
        {
            o.MessageTemplate = "{RequestMethod} {RequestPath} answered {StatusCode} in {Elapsed:0.0} ms (request {RequestId})";
            // Query strings carry flow ids, tokens and codes: logged only when the operator asks for it.
            o.IncludeQueryInRequestPath = config.Log.LeakSensitiveValues;
            o.EnrichDiagnosticContext = (diag, http) => diag.Set("RequestId", http.TraceIdentifier);
        });
        app.UseRouting();
        app.UseListenerSeparation();
        MapEndpoints(app);
        return app;
    }

    /// <summary>Applies valid config file changes while serving; keys read only at start need a restart.</summary>
    private static void WatchConfig(WebApplication app, ConfigStore configStore)
    {
        configStore.Changed += change => LoggingSetup.Level.MinimumLevel = LoggingSetup.ParseLevel(change.Current.Log.Level);
        configStore.StartWatching(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("IdentityServer.Config"));
        app.Lifetime.ApplicationStopped.Register(configStore.Dispose);
    }

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions k, EndpointOptions listener, int? portOverride, Listener tag)
    {
        var port = portOverride ?? listener.Port;
        var host = string.IsNullOrEmpty(listener.Host) ? "0.0.0.0" : listener.Host;
        if (host is "localhost")
            k.ListenLocalhost(port, o => Listeners.Tag(o, tag));
        else if (IPAddress.TryParse(host, out var ip))
            k.Listen(ip, port, o => Listeners.Tag(o, tag));
        else
            k.Listen(Dns.GetHostAddresses(host).First(), port, o => Listeners.Tag(o, tag));
    }

    private static void AddIdentityServices(IServiceCollection services, KratosConfig config)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new IdentitySchemaRegistry(
            config.Identity.Schemas.Select(s => (s.Id, s.Url)).ToList(), config.Identity.DefaultSchemaId));
        services.AddSingleton<IIdentitySchemas, ConfiguredIdentitySchemas>();
        // Hasher settings are read on every use, so a reloaded configuration applies to new hashes.
        services.AddPasswordHashing(sp => HasherOptionsFrom(sp.GetRequiredService<ConfigStore>().Current.Hashers));
        services.AddSingleton<IPasswordHashing, ConfiguredPasswordHashing>();
        services.AddScoped<IdentityManager>();
    }

    private static HasherOptions HasherOptionsFrom(HashersOptions hashers) => new()
    {
        Algorithm = hashers.Algorithm,
        BcryptCost = hashers.Bcrypt.Cost,
        Argon2 = new Security.Hashing.Argon2Options
        {
            Memory = (int)(hashers.Argon2.Memory / 1024),
            Iterations = hashers.Argon2.Iterations,
            Parallelism = hashers.Argon2.Parallelism,
            SaltLength = hashers.Argon2.SaltLength,
            KeyLength = hashers.Argon2.KeyLength,
        },
    };

    public static void MapEndpoints(WebApplication app)
    {
        app.MapAdminIdentities();
        app.MapSessions();
        app.MapSelfService();
        app.MapCourier();
        SchemaEndpoints.Map(app.MapPublic());
        SchemaEndpoints.Map(app.MapAdmin());
        app.MapHealth();
        app.MapBuiltInUi();
        // Kratos also answers the probes under /admin on the admin listener.
        app.MapAdmin().MapHealth();
    }

    /// <summary>Builds and starts the server; returns the bound listener addresses.</summary>
    public static async Task<RunningServer> StartAsync(ServeRequest request, CancellationToken ct = default)
    {
        var app = await BuildAsync(request, ct);
        await app.StartAsync(ct);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a.Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "127.0.0.1"))).ToList();
        // Kestrel reports endpoints in the order they were configured: public first, then admin.
        return new RunningServer(app, addresses[0], addresses[1]);
    }
}
