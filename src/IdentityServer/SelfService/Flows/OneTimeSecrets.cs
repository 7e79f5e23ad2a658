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

    /// <summary>
    /// Queues <paramref name="fresh"/> in the unit of work and drops the flow's earlier secrets with it. The
    /// new secret inherits the guesses made so far: the limit counts per flow, so a resend opens no new guesses.
    /// </summary>
    public async Task ReplaceAsync<T>(Guid flowId, T fresh, CancellationToken ct) where T : OneTimeSecretRecord
    {
        var earlier = await db.Set<T>().Where(s => s.FlowId == flowId).ToListAsync(ct);
        fresh.Attempts = Math.Max(fresh.Attempts, earlier.Select(e => e.Attempts).DefaultIfEmpty(0).Max());
        db.RemoveRange(earlier);
        db.Add(fresh);
    }

    /// <summary>The guesses made so far in a flow (the most any of its secrets has counted).</summary>
    public async Task<int> AttemptsAsync<T>(Guid flowId, CancellationToken ct) where T : OneTimeSecretRecord =>
        await db.Set<T>().Where(s => s.FlowId == flowId).Select(s => (int?)s.Attempts).MaxAsync(ct) ?? 0;

    /// <summary>
    /// Redeems a code submitted to a flow; every submission counts against the flow's limit. The right code
    /// is used up in one conditional statement (unused, not expired, guesses left), so of concurrent
    /// submissions of the right code exactly one succeeds; the others find it used. A wrong code counts as
    /// a guess on the flow's live codes; once more than <paramref name="maxAttempts"/> submissions were
    /// made, even the right code is refused.
    /// </summary>
    public async Task<SecretUse<T>> UseCodeAsync<T>(Guid flowId, string code, int maxAttempts, CancellationToken ct) where T : OneTimeSecretRecord
    {
        var now = Now;
        var hashes = Hashes(code.Trim());
        var match = await db.Set<T>().AsNoTracking()
            .Where(s => s.FlowId == flowId && s.Method == Code && hashes.Contains(s.Hash))
            .FirstOrDefaultAsync(ct);
        if (match is not null)
        {
            var id = match.Id;
            var redeemed = await db.Set<T>()
                .Where(s => s.Id == id && s.UsedAt == null && s.ExpiresAt > now && s.Attempts < maxAttempts)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.UsedAt, now).SetProperty(s => s.Attempts, s => s.Attempts + 1), ct);
            if (redeemed == 1)
            {
                match.UsedAt = now;
                match.Attempts++;
                return new(SecretOutcome.Valid, match);
            }
        }

        var live = db.Set<T>().Where(s => s.FlowId == flowId && s.Method == Code && s.UsedAt == null && s.ExpiresAt > now);
        await live.ExecuteUpdateAsync(u => u.SetProperty(s => s.Attempts, s => s.Attempts + 1), ct);
        var candidates = await live.AsNoTracking().ToListAsync(ct);
        if (candidates.Count == 0)
            return new(SecretOutcome.Invalid, null);
        // The right code, still unused, refused above: its guesses are spent.
        if (match is not null && candidates.Any(c => c.Id == match.Id))
            return new(SecretOutcome.TooManyAttempts, null);
        return new(candidates.All(c => c.Attempts > maxAttempts) ? SecretOutcome.TooManyAttempts : SecretOutcome.Invalid, null);
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
}
