using System.Collections.Concurrent;
using IdentityServer.Config;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Tests.Config;

public class HotReloadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private const string Initial = TempConfigFolder.MinimalConfig + """

        log:
          level: info
        serve:
          public:
            port: 4433
        """;

    [Fact]
    public void TryReload_applies_a_valid_change_and_reports_the_changed_keys()
    {
        using var folder = new TempConfigFolder();
        var file = folder.Write("kratos.yml", Initial);
        using var store = CreateStore(file);
        var changes = new List<ConfigChange>();
        store.Changed += changes.Add;

        File.WriteAllText(file, Initial.Replace("level: info", "level: debug").Replace("port: 4433", "port: 4500"));
        var problems = store.TryReload();

        Assert.Empty(problems);
        Assert.Equal("debug", store.Current.Log.Level);
        Assert.Equal(4500, store.Current.Serve.Public.Port);
        var change = Assert.Single(changes);
        Assert.Equal(["log.level", "serve.public.port"], change.ChangedKeys);
        Assert.Equal(["serve.public.port"], change.KeysNeedingRestart);
        Assert.Equal("info", change.Previous.Log.Level);
        Assert.Equal("debug", store.CurrentTree["log"]!["level"]!.GetValue<string>());
    }

    [Fact]
    public void TryReload_refuses_an_invalid_change_and_keeps_the_last_good_config()
    {
        using var folder = new TempConfigFolder();
        var file = folder.Write("kratos.yml", Initial);
        using var store = CreateStore(file);
        var good = store.Current;
        var changes = 0;
        store.Changed += _ => changes++;

        File.WriteAllText(file, Initial.Replace("level: info", "level: shouty"));
        var problems = store.TryReload();

        var problem = Assert.Single(problems);
        Assert.StartsWith($"{file}:9:3: log.level: \"shouty\" is not one of the allowed values", problem.ToString());
        Assert.Same(good, store.Current);
        Assert.Equal(0, changes);
    }

    [Fact]
    public void TryReload_without_changes_raises_nothing()
    {
        using var folder = new TempConfigFolder();
        var file = folder.Write("kratos.yml", Initial);
        using var store = CreateStore(file);
        var changes = 0;
        store.Changed += _ => changes++;

        Assert.Empty(store.TryReload());
        Assert.Equal(0, changes);
    }

    [Fact]
    public void An_invalid_initial_config_creates_no_store()
    {
        using var folder = new TempConfigFolder();
        var file = folder.Write("kratos.yml", Initial.Replace("port: 4433", "port: -1"));

        var result = ConfigStore.TryCreate([file], new Dictionary<string, string>(), out var store);

        Assert.Null(store);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, problem => problem.KeyPath == "serve.public.port");
    }

    [Fact]
    public async Task Watching_applies_a_valid_edit_and_refuses_an_invalid_one()
    {
        using var folder = new TempConfigFolder();
        var file = folder.Write("kratos.yml", Initial);
        var environment = new Dictionary<string, string>();
        var initial = ConfigLoader.Load([file], environment);
        using var store = new ConfigStore([file], environment, initial, debounce: TimeSpan.FromMilliseconds(100));
        var logger = new CollectingLogger();
        var changed = new TaskCompletionSource<ConfigChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Changed += change => changed.TrySetResult(change);
        store.StartWatching(logger);

        // A valid edit, written the way many editors save: a new file renamed over the old one.
        var replacement = folder.Write("kratos.yml.tmp", Initial.Replace("level: info", "level: debug"));
        File.Move(replacement, file, overwrite: true);

        var change = await changed.Task.WaitAsync(Patience);
        Assert.Equal(["log.level"], change.ChangedKeys);
        Assert.Equal("debug", store.Current.Log.Level);
        Assert.True(await WaitFor(() => logger.Lines.Any(line => line.Level == LogLevel.Information && line.Text.Contains("log.level"))),
            "expected an info line naming log.level");

        // An invalid edit in place.
        var good = store.Current;
        File.WriteAllText(file, Initial.Replace("level: info", "level: debug").Replace("port: 4433", "port: lots"));

        Assert.True(await WaitFor(() => logger.Lines.Any(line => line.Level == LogLevel.Warning && line.Text.Contains("serve.public.port"))),
            "expected a warning naming serve.public.port");
        var warning = logger.Lines.First(line => line.Level == LogLevel.Warning && line.Text.Contains("serve.public.port")).Text;
        Assert.Equal($"{file}:12:5: serve.public.port: expected a number, got string \"lots\"", warning);
        Assert.Same(good, store.Current);
        Assert.Equal(4433, store.Current.Serve.Public.Port);
    }

    private static ConfigStore CreateStore(string file)
    {
        var result = ConfigStore.TryCreate([file], new Dictionary<string, string>(), out var store);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        return store!;
    }

    private static async Task<bool> WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            await Task.Delay(20);
        }
        return condition();
    }

    private sealed class CollectingLogger : ILogger
    {
        public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue((logLevel, formatter(state, exception)));
    }
}
