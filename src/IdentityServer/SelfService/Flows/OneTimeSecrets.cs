using System.Security.Cryptography;
using System.Text;
using IdentityServer.Config;
using IdentityServer.Persistence;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Flows;

/// <summary>
/// A one-time code or link token of a verification or recovery flow. Only an HMAC of the secret is
/// stored, so a copy of the database does not reveal codes that are still valid.
/// </summary>
public abstract class OneTimeSecretRecord
{
    public Guid Id { get; set; }
    public Guid FlowId { get; set; }
    /// <summary><see cref="OneTimeSecrets.Code"/> or <see cref="OneTimeSecrets.Link"/>.</summary>
    public string Method { get; set; } = "";
    public string Hash { get; set; } = "";
    /// <summary>How often a code was submitted to its flow while it was valid.</summary>
    public int Attempts { get; set; }
    public DateTime? UsedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum SecretOutcome
{
    Valid,
    /// <summary>Wrong, expired, already used or unknown: the person is told the same thing in each case.</summary>
    Invalid,
    /// <summary>The code was guessed at too often and no longer counts, even when right.</summary>
    TooManyAttempts,
}

public sealed record SecretUse<T>(SecretOutcome Outcome, T? Secret) where T : OneTimeSecretRecord;

/// <summary>Creates, hashes and redeems one-time codes (six digits) and link tokens (32 characters).</summary>
public sealed class OneTimeSecrets(AppDbContext db, ConfigStore configStore, TimeProvider clock)
{
    public const string Code = "code";
    public const string Link = "link";
    public const int CodeLength = 6;
    private const string TokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public static string NewToken() => RandomNumberGenerator.GetString(TokenAlphabet, 32);

    /// <summary>The HMAC stored for a new secret, made with the first of `secrets.cookie` (or `secrets.default`).</summary>
    public string Hash(string value) => Mac(Secrets()[0], value);

    /// <summary>The HMACs under every listed secret, so secrets issued before a key rotation still work.</summary>
    private List<string> Hashes(string value) => Secrets().Select(s => Mac(s, value)).ToList();

    private IReadOnlyList<string> Secrets()
    {
        var secrets = configStore.Current.Secrets.EffectiveCookie;
        return secrets.Count > 0 ? secrets
            : throw new InvalidOperationException("secrets.cookie (or secrets.default) must list at least one secret to issue one-time codes and links.");
    }

    private static string Mac(string key, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value)));

    /// <summary>Queues <paramref name="fresh"/> in the unit of work and drops the flow's earlier secrets with it.</summary>
    public async Task ReplaceAsync<T>(Guid flowId, T fresh, CancellationToken ct) where T : OneTimeSecretRecord
    {
        var earlier = await db.Set<T>().Where(s => s.FlowId == flowId).ToListAsync(ct);
        db.RemoveRange(earlier);
        db.Add(fresh);
    }

    /// <summary>
    /// Redeems a code submitted to a flow. Every submission counts against the flow's live codes first,
    /// in its own statement, so concurrent guesses cannot slip past the limit; a code submitted more
    /// than <paramref name="maxAttempts"/> times is refused even when it is right.
    /// </summary>
    public async Task<SecretUse<T>> UseCodeAsync<T>(Guid flowId, string code, int maxAttempts, CancellationToken ct) where T : OneTimeSecretRecord
    {
        var now = Now;
        var live = db.Set<T>().Where(s => s.FlowId == flowId && s.Method == Code && s.UsedAt == null && s.ExpiresAt > now);
        await live.ExecuteUpdateAsync(u => u.SetProperty(s => s.Attempts, s => s.Attempts + 1), ct);
        var candidates = await live.AsNoTracking().ToListAsync(ct);
        if (candidates.Count == 0)
            return new(SecretOutcome.Invalid, null);

        var hashes = Hashes(code.Trim());
        var match = candidates.FirstOrDefault(c => hashes.Any(h => Same(h, c.Hash)));
        if (match is null)
            return new(candidates.All(c => c.Attempts > maxAttempts) ? SecretOutcome.TooManyAttempts : SecretOutcome.Invalid, null);
        if (match.Attempts > maxAttempts)
            return new(SecretOutcome.TooManyAttempts, null);
        return await ConsumeAsync(match, now, ct) ? new(SecretOutcome.Valid, match) : new(SecretOutcome.Invalid, null);
    }

    /// <summary>Redeems a link token of a flow; null when it is unknown, expired or already used.</summary>
    public async Task<T?> UseTokenAsync<T>(Guid flowId, string token, CancellationToken ct) where T : OneTimeSecretRecord
    {
        var now = Now;
        var hashes = Hashes(token.Trim());
        var match = await db.Set<T>().AsNoTracking()
            .Where(s => s.FlowId == flowId && s.Method == Link && hashes.Contains(s.Hash))
            .FirstOrDefaultAsync(ct);
        if (match is null || match.UsedAt is not null || match.ExpiresAt <= now) return null;
        return await ConsumeAsync(match, now, ct) ? match : null;
    }

    /// <summary>Marks a secret used; only the first of two concurrent submissions succeeds.</summary>
    private async Task<bool> ConsumeAsync<T>(T secret, DateTime now, CancellationToken ct) where T : OneTimeSecretRecord
    {
        var id = secret.Id;
        var changed = await db.Set<T>().Where(s => s.Id == id && s.UsedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.UsedAt, now), ct);
        secret.UsedAt = now;
        return changed == 1;
    }

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
