using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Config;

/// <summary>
/// Holds the configuration in force and reloads it when a config file changes. A reload that fails
/// validation is refused and the last good configuration stays in force.
/// </summary>
public sealed class ConfigStore : IDisposable
{
    private static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(300);

    private readonly IReadOnlyList<string> _files;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Lock _reloadLock = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly TimeSpan _debounce;
    private Timer? _debounceTimer;
    private ILogger? _logger;
    private volatile State _state;

    public ConfigStore(IReadOnlyList<string> files, IReadOnlyDictionary<string, string> environment, ConfigLoadResult initial, TimeSpan? debounce = null)
    {
        if (!initial.IsValid) throw new ArgumentException("the initial configuration must be valid", nameof(initial));
        _files = files;
        _environment = environment;
        _debounce = debounce ?? DefaultDebounce;
        _state = new State(initial.Config!, initial.Merged);
    }

    /// <summary>Loads the files; on success creates the store, otherwise returns the problems and no store.</summary>
    public static ConfigLoadResult TryCreate(IReadOnlyList<string> files, IReadOnlyDictionary<string, string> environment, out ConfigStore? store)
    {
        var result = ConfigLoader.Load(files, environment);
        store = result.IsValid ? new ConfigStore(files, environment, result) : null;
        return result;
    }

    public KratosConfig Current => _state.Config;

    public JsonObject CurrentTree => _state.Tree;

    public IReadOnlyList<string> Files => _files;

    /// <summary>Raised after a valid reload that changed at least one key.</summary>
    public event Action<ConfigChange>? Changed;

    /// <summary>Reloads now. Returns the problems that made the reload fail; empty when it succeeded.</summary>
    public IReadOnlyList<ConfigProblem> TryReload() => Reload().Problems;

    private (IReadOnlyList<ConfigProblem> Problems, ConfigChange? Change) Reload()
    {
        ConfigChange? change = null;
        IReadOnlyList<ConfigProblem> problems;
        lock (_reloadLock)
        {
            var result = ConfigLoader.Load(_files, _environment);
            problems = result.Problems;
            if (result.IsValid)
            {
                var previous = _state;
                var changedKeys = ConfigDiff.ChangedKeys(previous.Tree, result.Merged);
                if (changedKeys.Count > 0)
                {
                    _state = new State(result.Config!, result.Merged);
                    change = new ConfigChange(previous.Config, result.Config!, changedKeys);
                }
            }
        }
        if (change is not null) Changed?.Invoke(change);
        return (problems, change);
    }

    /// <summary>
    /// Watches the folders of the config files (editors often replace a file rather than write to it)
    /// and reloads shortly after the last change.
    /// </summary>
    public void StartWatching(ILogger logger)
    {
        if (_watchers.Count > 0) return;
        _logger = logger;
        _debounceTimer ??= new Timer(_ => ReloadAndLog(), null, Timeout.Infinite, Timeout.Infinite);

        var byFolder = _files
            .Select(Path.GetFullPath)
            .GroupBy(path => Path.GetDirectoryName(path)!, StringComparer.Ordinal);
        foreach (var folder in byFolder)
        {
            if (!Directory.Exists(folder.Key)) continue;
            var names = folder.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
            var watcher = new FileSystemWatcher(folder.Key)
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            FileSystemEventHandler onChange = (_, e) => { if (names.Contains(e.Name)) Poke(); };
            watcher.Changed += onChange;
            watcher.Created += onChange;
            watcher.Deleted += onChange;
            watcher.Renamed += (_, e) => { if (names.Contains(e.Name) || names.Contains(e.OldName)) Poke(); };
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers) watcher.Dispose();
        _watchers.Clear();
        _debounceTimer?.Dispose();
        _debounceTimer = null;
    }

    private void Poke() => _debounceTimer?.Change(_debounce, Timeout.InfiniteTimeSpan);

    private void ReloadAndLog()
    {
        IReadOnlyList<ConfigProblem> problems;
        ConfigChange? change;
        try
        {
            (problems, change) = Reload();
        }
        catch (Exception error)
        {
            // This runs on a timer thread, where an escaping exception would end the process.
            _logger?.LogError(error, "Applying the changed configuration failed");
            return;
        }
        if (problems.Count > 0)
        {
            _logger?.LogWarning("Configuration change refused; the previous configuration stays in force");
            foreach (var problem in problems) _logger?.LogWarning("{Problem}", problem.ToString());
        }
        else if (change is not null)
        {
            _logger?.LogInformation("Configuration reloaded; changed keys: {ChangedKeys}", string.Join(", ", change.ChangedKeys));
            if (change.KeysNeedingRestart.Count > 0)
            {
                _logger?.LogWarning("These changed keys take effect only after a restart: {Keys}", string.Join(", ", change.KeysNeedingRestart));
            }
        }
    }

    private sealed record State(KratosConfig Config, JsonObject Tree);
}
