using System.CommandLine;
using IdentityServer.Config;
using IdentityServer.Courier;
using IdentityServer.Health;
using IdentityServer.Hosting;
using IdentityServer.Persistence;

namespace IdentityServer.Cli;

/// <summary>The command line, spelled as Kratos's: serve, migrate sql, courier watch, version.</summary>
public static class CommandLine
{
    public static Task<int> RunAsync(string[] args) => Build().Parse(args).InvokeAsync();

    public static RootCommand Build()
    {
        var root = new RootCommand("A Kratos-compatible identity server.");
        root.Subcommands.Add(ServeCommand());
        root.Subcommands.Add(MigrateCommand());
        root.Subcommands.Add(CourierCommand());
        var version = new Command("version", "Print the version.");
        version.SetAction(_ => Console.WriteLine($"Version: {HealthEndpoints.Version}"));
        root.Subcommands.Add(version);
        return root;
    }

    private static Option<string[]> ConfigOption() => new("--config", "-c")
    {
        Description = "Configuration file (YAML or JSON); repeat to merge several, later files win.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Kratos also accepts comma-separated lists for -c.</summary>
    private static IReadOnlyList<string> ConfigFiles(ParseResult result, Option<string[]> option) =>
        (result.GetValue(option) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static Command ServeCommand()
    {
        var config = ConfigOption();
        var dev = new Option<bool>("--dev") { Description = "Development mode: cookies without the Secure flag on plain HTTP." };
        var watchCourier = new Option<bool>("--watch-courier")
        {
            Description = "Run the courier message dispatcher in this process (the default; --watch-courier=false leaves it to `courier watch`).",
            DefaultValueFactory = _ => true,
        };
        var serve = new Command("serve", "Run the public and admin HTTP listeners.") { config, dev, watchCourier };
        serve.SetAction(async (result, ct) =>
        {
            var request = new ServeRequest(ConfigFiles(result, config), result.GetValue(dev), result.GetValue(watchCourier));
            WebApplication app;
            try { app = await ServerApp.BuildAsync(request, ct); }
            catch (StartupException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
            try
            {
                await app.RunAsync();
                return 0;
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"Cannot listen: {e.Message}");
                return 1;
            }
        });
        return serve;
    }

    private static Command CourierCommand()
    {
        var config = ConfigOption();
        var metricsPort = new Option<int?>("--expose-metrics-port") { Description = "Accepted for compatibility with Kratos; no metrics are served." };
        var watch = new Command("watch", "Send queued courier messages (emails, SMS) in this process, without the HTTP listeners.") { config, metricsPort };
        watch.SetAction(async (result, ct) =>
        {
            IHost host;
            try { host = await CourierWatch.BuildAsync(ConfigFiles(result, config), ServerApp.ProcessEnvironment(), ct); }
            catch (StartupException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
            await host.RunAsync(ct);
            return 0;
        });
        return new Command("courier", "The courier that sends emails and SMS.") { watch };
    }

    private static Command MigrateCommand()
    {
        var config = ConfigOption();
        var dsnArgument = new Argument<string?>("database_url") { Description = "The DSN to migrate.", Arity = ArgumentArity.ZeroOrOne };
        var fromEnv = new Option<bool>("--read-from-env", "-e") { Description = "Read the DSN from the DSN environment variable." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Apply the migrations without asking." };
        var sql = new Command("sql", "Create or upgrade the database schema.") { dsnArgument, config, fromEnv, yes };
        sql.SetAction(async (result, ct) =>
        {
            string? dsnText = result.GetValue(dsnArgument);
            if (dsnText is null && result.GetValue(fromEnv))
            {
                dsnText = Environment.GetEnvironmentVariable("DSN");
                if (string.IsNullOrWhiteSpace(dsnText))
                {
                    Console.Error.WriteLine("-e was given but the DSN environment variable is not set.");
                    return 1;
                }
            }
            if (dsnText is null)
            {
                var files = ConfigFiles(result, config);
                if (files.Count == 0)
                {
                    Console.Error.WriteLine("Give the DSN as an argument, with -e (from the DSN environment variable), or with -c <config file>.");
                    return 1;
                }
                var loaded = ConfigLoader.Load(files, ServerApp.ProcessEnvironment());
                if (!loaded.IsValid || loaded.Config is null)
                {
                    Console.Error.WriteLine("The configuration is invalid:\n" + string.Join("\n", loaded.Problems.Select(p => "  " + p)));
                    return 1;
                }
                dsnText = loaded.Config.Dsn;
            }
            return await MigrateAsync(dsnText, result.GetValue(yes), ct);
        });
        return new Command("migrate", "Database migrations.") { sql };
    }

    private static async Task<int> MigrateAsync(string? dsnText, bool yes, CancellationToken ct)
    {
        Dsn dsn;
        try { dsn = Dsn.Parse(dsnText); }
        catch (DsnException e)
        {
            Console.Error.WriteLine($"Invalid DSN: {e.Message}");
            return 1;
        }
        if (dsn.Kind == StoreKind.Memory)
        {
            Console.Error.WriteLine("The DSN is `memory`: an in-memory database is created and migrated by `serve` itself; there is nothing to migrate.");
            return 1;
        }
        Store opened;
        try { opened = Store.Open(dsn); }
        catch (DsnException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        using var store = opened;
        var unreachable = await store.CheckAsync(ct);
        if (unreachable is not null)
        {
            Console.Error.WriteLine($"Cannot reach the {dsn.KindName} database at {dsn.Redacted}: {unreachable}");
            return 1;
        }
        var pending = await store.PendingMigrationsAsync(ct);
        if (pending.Count == 0)
        {
            Console.WriteLine($"The {dsn.KindName} database at {dsn.Redacted} is up to date.");
            return 0;
        }
        Console.WriteLine($"{pending.Count} migrations will be applied to the {dsn.KindName} database at {dsn.Redacted}:");
        foreach (var name in pending)
            Console.WriteLine("  " + name);
        if (!yes)
        {
            Console.Write("Apply them? [y/N] ");
            var answer = Console.ReadLine();
            if (answer is null || !answer.Trim().StartsWith('y'))
            {
                Console.WriteLine(answer is null ? "\nNo answer on standard input; pass --yes to apply without asking." : "Nothing applied.");
                return answer is null ? 1 : 0;
            }
        }
        await store.MigrateAsync(ct);
        Console.WriteLine("Successfully applied all migrations.");
        return 0;
    }
}
