using IdentityServer.Config;
using IdentityServer.Hosting;
using IdentityServer.Logging;
using IdentityServer.Persistence;
using Serilog;

namespace IdentityServer.Courier;

/// <summary>
/// `courier watch`: the dispatcher alone, without the HTTP listeners, for deployments that send mail
/// from a separate process. Any number of these (and of `serve` processes) may share one database.
/// </summary>
public static class CourierWatch
{
    public static async Task<IHost> BuildAsync(IReadOnlyList<string> configFiles, IReadOnlyDictionary<string, string> environment, CancellationToken ct = default)
    {
        if (configFiles.Count == 0)
            throw new StartupException("No configuration file was given; pass one with -c, for example: courier watch -c config/kratos.yml");
        var loaded = ConfigStore.TryCreate(configFiles, environment, out var configStore);
        if (configStore is null)
            throw new StartupException("The configuration is invalid:\n" + string.Join("\n", loaded.Problems.Select(p => "  " + p)));
        var config = configStore.Current;
        var logger = LoggingSetup.Create(config.Log);
        Dsn dsn;
        try { dsn = Dsn.Parse(config.Dsn); }
        catch (DsnException e)
        {
            configStore.Dispose();
            throw new StartupException($"The DSN is invalid: {e.Message}");
        }
        if (dsn.Kind == StoreKind.Memory)
        {
            configStore.Dispose();
            throw new StartupException("The DSN is `memory`: its database lives inside one serve process, so a separate courier cannot read it; the courier already runs inside serve.");
        }
        Store store;
        try { store = Store.Open(dsn); }
        catch (DsnException e)
        {
            configStore.Dispose();
            throw new StartupException(e.Message);
        }
        try
        {
            if (await store.CheckAsync(ct) is { } unreachable)
                throw new StartupException($"Cannot reach the {dsn.KindName} database at {dsn.Redacted}: {unreachable}");
            var pending = await store.PendingMigrationsAsync(ct);
            if (pending.Count > 0)
                throw new StartupException($"The {dsn.KindName} database at {dsn.Redacted} is not migrated ({pending.Count} migrations pending); run `migrate sql` first.");
        }
        catch
        {
            store.Dispose();
            configStore.Dispose();
            throw;
        }

        logger.Information("Courier watch: reading messages from the {StoreKind} store at {Dsn}", dsn.KindName, dsn.Redacted);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSerilog(logger, dispose: false);
        builder.Services.AddSingleton(configStore);
        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(TimeProvider.System);
        store.Register(builder.Services);
        builder.Services.AddCourier(runDispatcher: true);
        var host = builder.Build();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        configStore.Changed += change => LoggingSetup.Level.MinimumLevel = LoggingSetup.ParseLevel(change.Current.Log.Level);
        configStore.StartWatching(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("IdentityServer.Config"));
        lifetime.ApplicationStopped.Register(() =>
        {
            configStore.Dispose();
            store.Dispose();
        });
        return host;
    }
}
