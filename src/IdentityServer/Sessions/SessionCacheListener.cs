using System.Text;
using IdentityServer.Persistence;
using Npgsql;

namespace IdentityServer.Sessions;

/// <summary>
/// Tells the other servers on the same PostgreSQL database which identities and sessions changed
/// (NOTIFY on <see cref="Channel"/>). SQLite is used by one process only, and CockroachDB has no
/// NOTIFY: there it does nothing.
/// </summary>
public sealed class SessionChangePublisher(Store store, ILogger<SessionChangePublisher> logger) : IAsyncDisposable
{
    public const string Channel = "identity_server_session_changes";

    /// <summary>PostgreSQL refuses payloads of 8000 bytes or more; ids are sent in batches below that.</summary>
    private const int MaxPayload = 7000;

    private readonly NpgsqlDataSource? _dataSource = store.Dsn.Kind == StoreKind.Postgres
        ? NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(store.Dsn.ConnectionString)
        {
            MaxPoolSize = 2,
            ApplicationName = "identity-server session changes",
        }.ConnectionString)
        : null;

    public async Task PublishAsync(IReadOnlyCollection<Guid> identities, IReadOnlyCollection<Guid> sessions, CancellationToken ct)
    {
        if (_dataSource is null)
            return;
        try
        {
            foreach (var payload in Batches(identities.Select(i => "i:" + i).Concat(sessions.Select(s => "s:" + s))))
            {
                await using var command = _dataSource.CreateCommand("SELECT pg_notify($1, $2)");
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Channel });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = payload });
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // Other servers' entries then live until cache.sessions.max_age at most.
            logger.LogError(e, "Could not tell the other servers that {Count} sessions or identities changed", identities.Count + sessions.Count);
        }
    }

    private static IEnumerable<string> Batches(IEnumerable<string> items)
    {
        var batch = new StringBuilder();
        foreach (var item in items)
        {
            if (batch.Length > 0 && batch.Length + 1 + item.Length > MaxPayload)
            {
                yield return batch.ToString();
                batch.Clear();
            }
            if (batch.Length > 0)
                batch.Append(',');
            batch.Append(item);
        }
        if (batch.Length > 0)
            yield return batch.ToString();
    }

    public ValueTask DisposeAsync() => _dataSource?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>
/// Keeps one PostgreSQL connection listening for <see cref="SessionChangePublisher.Channel"/> and drops
/// the cached sessions that other servers changed. The session cache answers only while this connection
/// is up: when it is lost, notifications could be missed, so the cache is emptied and turned off (and
/// the log says so) until the connection is back. With SQLite (one process) the cache is on from the
/// start; with CockroachDB (no LISTEN) it stays off.
/// </summary>
public sealed class SessionCacheListener(Store store, SessionCache cache, TimeProvider clock, ILogger<SessionCacheListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>The PostgreSQL backend process of the listening connection, 0 while there is none.</summary>
    public int BackendProcessId { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        switch (store.Dsn.Kind)
        {
            case StoreKind.Sqlite or StoreKind.Memory:
                cache.SetConnected(true);
                await SweepAsync(stopping);
                return;
            case StoreKind.Cockroach:
                logger.LogInformation("The session cache is off: CockroachDB cannot tell this server about changes made by other servers (no LISTEN/NOTIFY)");
                return;
        }
        _ = SweepAsync(stopping);
        var connectionString = new NpgsqlConnectionStringBuilder(store.Dsn.ConnectionString)
        {
            Pooling = false,
            // A keepalive query every few seconds notices a connection that died without a word.
            KeepAlive = 5,
            ApplicationName = "identity-server session cache",
        }.ConnectionString;
        var delay = TimeSpan.FromMilliseconds(100);
        var wasOn = false;
        var listening = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, e) => Apply(e.Payload);
                await connection.OpenAsync(stopping);
                await using (var listen = new NpgsqlCommand($"LISTEN {SessionChangePublisher.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stopping);
                BackendProcessId = connection.ProcessID;
                listening = true;
                cache.SetConnected(true);
                if (wasOn)
                    logger.LogWarning("The session cache is on again: the notification connection to PostgreSQL is back");
                else
                    logger.LogInformation("The session cache is on: listening for session changes of other servers");
                wasOn = true;
                delay = TimeSpan.FromMilliseconds(100);
                while (true)
                    await connection.WaitAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                cache.SetConnected(false);
                BackendProcessId = 0;
                if (listening)
                    logger.LogWarning("The session cache is off: the notification connection to PostgreSQL was lost ({Reason}); retrying", e.Message);
                else
                    logger.LogDebug("The session cache notification connection could not be opened: {Reason}", e.Message);
                listening = false;
                try { await Task.Delay(delay, clock, stopping); }
                catch (OperationCanceledException) { break; }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
        cache.SetConnected(false);
    }

    private void Apply(string payload)
    {
        foreach (var item in payload.Split(','))
        {
            if (item.Length < 3 || !Guid.TryParse(item.AsSpan(2), out var id))
                continue;
            if (item[0] == 'i')
                cache.InvalidateIdentity(id);
            else if (item[0] == 's')
                cache.InvalidateSession(id);
        }
    }

    /// <summary>Frees entries that are too old to be served, so an idle server does not hold them.</summary>
    private async Task SweepAsync(CancellationToken stopping)
    {
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30), clock);
            while (await timer.WaitForNextTickAsync(stopping))
                cache.DropStale(clock.GetUtcNow().UtcDateTime);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
