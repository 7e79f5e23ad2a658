using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using IdentityServer.Config;
using IdentityServer.Identities;

namespace IdentityServer.Sessions;

/// <summary>The SHA-256 of a session token: the cache key, and (as hex) the sessions table's token_hash.</summary>
public readonly record struct SessionTokenHash(ulong A, ulong B, ulong C, ulong D)
{
    public static SessionTokenHash Of(ReadOnlySpan<char> token)
    {
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        byte[]? rented = null;
        var utf8 = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(token, utf8);
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(utf8[..written], digest);
            return new SessionTokenHash(
                BinaryPrimitives.ReadUInt64BigEndian(digest), BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
                BinaryPrimitives.ReadUInt64BigEndian(digest[16..]), BinaryPrimitives.ReadUInt64BigEndian(digest[24..]));
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Lower-case hex, as <see cref="SessionTokens.Hash"/> stores it.</summary>
    public string ToHex()
    {
        Span<byte> digest = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(digest, A);
        BinaryPrimitives.WriteUInt64BigEndian(digest[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(digest[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(digest[24..], D);
        return Convert.ToHexStringLower(digest);
    }
}

/// <summary>
/// A session as it was read from the database, shared by every request that presents its token until
/// it is invalidated or too old. Nothing may change the record after it is cached; the whoami answer is
/// rendered once, when the entry is made.
/// </summary>
public sealed class CachedSession(SessionRecord record, DateTime cachedAt, byte[] whoamiBody)
{
    public SessionRecord Record { get; } = record;
    public DateTime CachedAt { get; } = cachedAt;
    /// <summary>The whoami JSON (UTF-8). Only active sessions are cached, so its "active" is always true when served.</summary>
    public byte[] WhoamiBody { get; } = whoamiBody;
    public string IdentityIdText { get; } = record.IdentityId.ToString();
}

/// <summary>
/// Resolved sessions by token hash, in this process. Entries are dropped when a session or its identity
/// changes (<see cref="SessionCacheInvalidation"/>), when they are older than cache.sessions.max_age, and
/// every hit checks expires_at. With PostgreSQL the cache answers only while the notification
/// connection of <see cref="SessionCacheListener"/> is up, because that is how changes made by other
/// servers arrive.
/// </summary>
public sealed class SessionCache(ConfigStore config)
{
    private readonly ConcurrentDictionary<SessionTokenHash, CachedSession> _entries = new();
    private long _generation;
    private volatile bool _connected;

    private SessionCacheOptions Options => config.Current.Cache.Sessions;

    /// <summary>False while the configuration turns the cache off or changes from other servers could be missed.</summary>
    public bool IsOn => _connected && Options.Enabled;

    /// <summary>True while changes made by other servers reach this one (always with SQLite).</summary>
    public bool IsConnected => _connected;

    public int Count => _entries.Count;

    /// <summary>
    /// Changes with every invalidation. A reader takes it before reading the database and caches what it
    /// read only if it did not change meanwhile: a change committed during the read is never hidden.
    /// </summary>
    public long Generation => Interlocked.Read(ref _generation);

    public CachedSession? Get(in SessionTokenHash key, DateTime now)
    {
        if (!IsOn || !_entries.TryGetValue(key, out var entry))
            return null;
        var record = entry.Record;
        if (record.ExpiresAt > now && now - entry.CachedAt < Options.MaxAge && now >= entry.CachedAt)
            return entry;
        _entries.TryRemove(new KeyValuePair<SessionTokenHash, CachedSession>(key, entry));
        return null;
    }

    /// <summary>Caches an active session read at <paramref name="generation"/>; returns the entry, or null when it was not cached.</summary>
    public CachedSession? Put(in SessionTokenHash key, SessionRecord record, Func<SessionRecord, byte[]> renderWhoami, long generation, DateTime now)
    {
        if (!IsOn || !SessionJson.IsActive(record, now))
            return null;
        var options = Options;
        if (_entries.Count >= options.MaxEntries)
        {
            DropOlderThan(now - options.MaxAge);
            if (_entries.Count >= options.MaxEntries)
                return null;
        }
        var entry = new CachedSession(record, now, renderWhoami(record));
        if (Generation != generation)
            return null;
        _entries[key] = entry;
        // An invalidation that ran between the check and the store may have missed the new entry.
        if (Generation != generation)
        {
            _entries.TryRemove(new KeyValuePair<SessionTokenHash, CachedSession>(key, entry));
            return null;
        }
        return entry;
    }

    public void InvalidateIdentity(Guid identityId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (key, entry) in _entries)
        {
            if (entry.Record.IdentityId == identityId)
                _entries.TryRemove(new KeyValuePair<SessionTokenHash, CachedSession>(key, entry));
        }
    }

    public void InvalidateSession(Guid sessionId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (key, entry) in _entries)
        {
            if (entry.Record.Id == sessionId)
                _entries.TryRemove(new KeyValuePair<SessionTokenHash, CachedSession>(key, entry));
        }
    }

    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    /// <summary>Turns answering from memory on (changes from other servers will arrive) or off (they may not).</summary>
    public void SetConnected(bool connected)
    {
        Clear();
        _connected = connected;
        // A read that began while the state changed must not be cached either.
        Clear();
    }

    /// <summary>Frees the memory of entries that can no longer be served.</summary>
    public void DropStale(DateTime now) => DropOlderThan(now - Options.MaxAge);

    private void DropOlderThan(DateTime cutoff)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.CachedAt < cutoff)
                _entries.TryRemove(new KeyValuePair<SessionTokenHash, CachedSession>(key, entry));
        }
    }
}
