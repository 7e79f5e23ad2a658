using System.Data.Common;
using System.Runtime.CompilerServices;
using IdentityServer.Identities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace IdentityServer.Sessions;

/// <summary>
/// Drops cached sessions when what they show changes, on this server and (through
/// <see cref="SessionChangePublisher"/>) on every other. It watches every SaveChanges of the server's
/// database contexts: a changed, added or deleted identity, credential, address, session or session
/// device invalidates the sessions of that identity or that session. Bulk statements (ExecuteUpdate,
/// ExecuteDelete) bypass SaveChanges, so the code that runs them calls <see cref="SessionChangedAsync"/>
/// or <see cref="IdentityChangedAsync"/>. Inside a transaction, nothing happens until it commits, so
/// that no server re-reads the old rows after being told they changed.
/// </summary>
public sealed class SessionCacheInvalidation(SessionCache cache, SessionChangePublisher publisher)
    : DbTransactionInterceptor, ISaveChangesInterceptor
{
    private sealed class Pending
    {
        public readonly HashSet<Guid> Identities = [];
        public readonly HashSet<Guid> Sessions = [];
        public bool IsEmpty => Identities.Count == 0 && Sessions.Count == 0;
    }

    private readonly ConditionalWeakTable<DbContext, Pending> _pending = new();

    public Task SessionChangedAsync(DbContext db, Guid sessionId, CancellationToken ct)
    {
        lock (_pending)
            PendingOf(db).Sessions.Add(sessionId);
        return db.Database.CurrentTransaction is null ? FlushAsync(db, ct) : Task.CompletedTask;
    }

    public Task IdentityChangedAsync(DbContext db, Guid identityId, CancellationToken ct)
    {
        lock (_pending)
            PendingOf(db).Identities.Add(identityId);
        return db.Database.CurrentTransaction is null ? FlushAsync(db, ct) : Task.CompletedTask;
    }

    private Pending PendingOf(DbContext db) => _pending.GetValue(db, static _ => new Pending());

    private void Collect(DbContext? db)
    {
        if (db is null)
            return;
        List<Guid>? identities = null, sessions = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
                continue;
            // A new identity or session has nothing cached yet.
            var added = entry.State == EntityState.Added;
            switch (entry.Entity)
            {
                case Identity i when !added: (identities ??= []).Add(i.Id); break;
                case IdentityCredential c: (identities ??= []).Add(c.IdentityId); break;
                case IdentityVerifiableAddress v: (identities ??= []).Add(v.IdentityId); break;
                case IdentityRecoveryAddress r: (identities ??= []).Add(r.IdentityId); break;
                case SessionRecord s when !added: (sessions ??= []).Add(s.Id); break;
                case SessionDevice d: (sessions ??= []).Add(d.SessionId); break;
            }
        }
        if (identities is null && sessions is null)
            return;
        lock (_pending)
        {
            var pending = PendingOf(db);
            pending.Identities.UnionWith(identities ?? []);
            pending.Sessions.UnionWith(sessions ?? []);
        }
    }

    private (Guid[] Identities, Guid[] Sessions)? Take(DbContext? db)
    {
        if (db is null)
            return null;
        lock (_pending)
        {
            if (!_pending.TryGetValue(db, out var pending) || pending.IsEmpty)
                return null;
            var taken = (pending.Identities.ToArray(), pending.Sessions.ToArray());
            pending.Identities.Clear();
            pending.Sessions.Clear();
            return taken;
        }
    }

    private Task FlushAsync(DbContext? db, CancellationToken ct)
    {
        if (Take(db) is not { } taken)
            return Task.CompletedTask;
        InvalidateHere(taken);
        // The change is committed, so the request that made it must not be cancelled out of telling the others.
        return publisher.PublishAsync(taken.Identities, taken.Sessions, CancellationToken.None);
    }

    private void Flush(DbContext? db)
    {
        if (Take(db) is not { } taken)
            return;
        InvalidateHere(taken);
        publisher.PublishAsync(taken.Identities, taken.Sessions, CancellationToken.None).GetAwaiter().GetResult();
    }

    private void InvalidateHere((Guid[] Identities, Guid[] Sessions) taken)
    {
        foreach (var id in taken.Identities)
            cache.InvalidateIdentity(id);
        foreach (var id in taken.Sessions)
            cache.InvalidateSession(id);
    }

    private static bool InTransaction(DbContext? db) => db?.Database.CurrentTransaction is not null;

    // SaveChanges: collect before, act after (at once, or when the surrounding transaction commits).

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (!InTransaction(eventData.Context))
            Flush(eventData.Context);
        return result;
    }

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        if (!InTransaction(eventData.Context))
            await FlushAsync(eventData.Context, ct);
        return result;
    }

    // A failed save may have written part of its rows outside a transaction; invalidating is always safe.
    public void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (!InTransaction(eventData.Context))
            Flush(eventData.Context);
    }

    public async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken ct = default)
    {
        if (!InTransaction(eventData.Context))
            await FlushAsync(eventData.Context, ct);
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        Flush(eventData.Context);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default) =>
        FlushAsync(eventData.Context, ct);

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        Take(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        Take(eventData.Context);
        return Task.CompletedTask;
    }
}
