using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Persistence;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Courier;

/// <summary>
/// Takes due messages from the outbox and delivers them. Claiming marks the messages as processing in
/// one statement; on PostgreSQL the rows are picked with FOR UPDATE SKIP LOCKED, so any number of
/// processes can share the queue and no message is taken twice. A claim is a lease: if the process stops
/// while sending, another worker takes the message over when the lease runs out.
/// </summary>
public sealed class CourierWorker(IServiceScopeFactory scopes, ConfigStore config, CourierChannels channels, TimeProvider time,
    ILogger<CourierWorker> log)
{
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    /// <summary>What one pass over the queue did.</summary>
    public sealed record Batch(int Claimed, bool DeliveryFailed);

    public async Task<Batch> DispatchBatchAsync(CancellationToken stop)
    {
        var courier = config.Current.Courier;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var claimed = await ClaimAsync(db, Math.Max(1, courier.Worker.PullCount), stop);
        for (var i = 0; i < claimed.Count; i++)
        {
            if (stop.IsCancellationRequested)
            {
                await ReleaseAsync(db, claimed.Skip(i));
                break;
            }
            var failure = await DeliverAsync(claimed[i]);
            await RecordAsync(db, claimed[i], failure, courier);
            if (failure is { IsPermanent: false })
            {
                // The server or endpoint is failing: leave the rest of the batch for the next pass
                // instead of failing each of them against it now.
                await ReleaseAsync(db, claimed.Skip(i + 1));
                return new Batch(claimed.Count, true);
            }
        }
        return new Batch(claimed.Count, false);
    }

    /// <summary>The n-th retry waits pull_wait × 5^(n-1), at most an hour: 1 s, 5 s, 25 s, 2 min, 10 min with the defaults.</summary>
    public static TimeSpan Backoff(TimeSpan pullWait, int sendCount)
    {
        var baseWait = pullWait > TimeSpan.FromMilliseconds(10) ? pullWait : TimeSpan.FromMilliseconds(10);
        var factor = Math.Pow(5, Math.Max(0, sendCount - 1));
        var wait = baseWait.TotalMilliseconds * factor;
        return wait >= MaxBackoff.TotalMilliseconds ? MaxBackoff : TimeSpan.FromMilliseconds(wait);
    }

    private async Task<List<CourierMessage>> ClaimAsync(AppDbContext db, int count, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // Most polls find nothing: a read answers that without taking SQLite's write lock.
        var due = await db.Set<CourierMessage>().AnyAsync(m =>
            (m.Status == MessageStatus.Queued || m.Status == MessageStatus.Processing) && m.NextAttemptAt <= now, ct);
        if (!due)
            return [];
        var lockClause = db.Database.IsNpgsql() ? "FOR UPDATE SKIP LOCKED" : "";
        var sql = $$"""
            UPDATE courier_messages SET status = 'processing', next_attempt_at = {0}, updated_at = {1}
            WHERE id IN (
                SELECT id FROM courier_messages
                WHERE status IN ('queued', 'processing') AND next_attempt_at <= {1}
                ORDER BY created_at, id
                LIMIT {2}
                {{lockClause}})
            RETURNING *
            """;
        var rows = await db.Set<CourierMessage>().FromSqlRaw(sql, now + ClaimLease, now, count).AsNoTracking().ToListAsync(ct);
        return rows.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToList();
    }

    private async Task<DispatchFailure?> DeliverAsync(CourierMessage message)
    {
        JsonObject model;
        try
        {
            model = JsonNode.Parse(message.TemplateData) as JsonObject ?? [];
        }
        catch (System.Text.Json.JsonException e)
        {
            return DispatchFailure.Permanent("the message could not be rendered", $"its template data is not a JSON object: {e.Message}");
        }
        // A send that has started is allowed to finish when the process is asked to stop (the senders
        // have their own time limits): cancelling in the middle could deliver a message that is then
        // sent a second time.
        return await channels.SendAsync(message, model, CancellationToken.None);
    }

    private async Task RecordAsync(AppDbContext db, CourierMessage message, DispatchFailure? failure, CourierOptions courier)
    {
        var now = time.GetUtcNow().UtcDateTime;
        db.Attach(message);
        message.SendCount++;
        message.UpdatedAt = now;
        if (failure is null)
        {
            message.Status = MessageStatus.Sent;
            db.Add(new CourierMessageDispatch { Id = Guid.NewGuid(), MessageId = message.Id, Status = DispatchStatus.Success, CreatedAt = now, UpdatedAt = now });
        }
        else
        {
            var abandon = failure.IsPermanent || message.SendCount > courier.MessageRetries;
            if (abandon)
            {
                message.Status = MessageStatus.Abandoned;
            }
            else
            {
                message.Status = MessageStatus.Queued;
                message.NextAttemptAt = now + Backoff(courier.Worker.PullWait, message.SendCount);
            }
            db.Add(failure.ToDispatch(message.Id, now));
        }
        await db.SaveChangesAsync(CancellationToken.None);
        db.ChangeTracker.Clear();
        Log(message, failure, courier);
    }

    private void Log(CourierMessage message, DispatchFailure? failure, CourierOptions courier)
    {
        if (failure is null)
        {
            log.LogInformation("Courier sent message {MessageId} ({TemplateType}) over {Channel}", message.Id, message.TemplateType, message.Channel);
        }
        else if (message.Status == MessageStatus.Abandoned)
        {
            var why = failure.IsPermanent ? "" : $" after {message.SendCount} attempts";
            log.LogError("Courier abandoned message {MessageId} ({TemplateType}) over {Channel}{AfterAttempts}: {Reason}: {Error}",
                message.Id, message.TemplateType, message.Channel, why, failure.Reason, failure.Message);
        }
        else
        {
            log.LogWarning("Courier could not send message {MessageId} ({TemplateType}) over {Channel}, attempt {Attempt} of {Attempts}; next try at {NextAttempt:u}: {Reason}: {Error}",
                message.Id, message.TemplateType, message.Channel, message.SendCount, courier.MessageRetries + 1, message.NextAttemptAt, failure.Reason, failure.Message);
        }
    }

    /// <summary>Gives claimed but untried messages back to the queue, due at once.</summary>
    private async Task ReleaseAsync(AppDbContext db, IEnumerable<CourierMessage> messages)
    {
        var ids = messages.Select(m => m.Id).ToList();
        if (ids.Count == 0) return;
        var now = time.GetUtcNow().UtcDateTime;
        await db.Set<CourierMessage>()
            .Where(m => ids.Contains(m.Id) && m.Status == MessageStatus.Processing)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Queued).SetProperty(m => m.NextAttemptAt, now), CancellationToken.None);
    }
}
