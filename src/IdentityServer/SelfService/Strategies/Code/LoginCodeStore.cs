using System.Security.Cryptography;
using System.Text;
using IdentityServer.Config;
using IdentityServer.Identities.Schemas;
using IdentityServer.Persistence;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Strategies.Code;

/// <summary>What became of a submitted code.</summary>
public enum LoginCodeCheck
{
    Valid,
    /// <summary>Wrong, expired, for another flow or another identity, or the flow has no code.</summary>
    Invalid,
    /// <summary>The flow's current code was submitted max_submissions times already.</summary>
    TooManyAttempts,
    /// <summary>The right code, but another request used it a moment ago.</summary>
    AlreadyUsed,
}

/// <summary>
/// Issues and checks the six-digit codes of login and registration flows. A code is stored as an
/// HMAC-SHA256 of the flow id and the code, keyed with the first cookie secret (any listed secret is
/// accepted), so a database copy alone does not reveal codes and a code only fits its own flow.
/// </summary>
public sealed class LoginCodeStore(AppDbContext db, ConfigStore config, TimeProvider clock)
{
    public const int Length = 6;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public static string Generate() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Replaces the flow's codes with a new one per address. The new codes are only added to the unit
    /// of work: the caller's SaveChanges writes them with the flow change and the queued messages.
    /// </summary>
    public async Task<IReadOnlyList<(CodeAddress Target, string Code)>> IssueAsync(Guid flowId, Guid? identityId,
        IReadOnlyList<CodeAddress> targets, CancellationToken ct)
    {
        var secrets = Secrets();
        // Earlier codes of the flow stop working at once, even if this request fails later.
        await db.Set<LoginCode>().Where(c => c.FlowId == flowId).ExecuteDeleteAsync(ct);
        var now = Now;
        var lifespan = config.Current.SelfService.Methods.Code.Config.Lifespan;
        var issued = new List<(CodeAddress, string)>();
        foreach (var target in targets)
        {
            // One code per address, so that the code used tells which address was proven.
            var code = Generate();
            db.Add(new LoginCode
            {
                Id = Guid.NewGuid(), FlowId = flowId, IdentityId = identityId, Address = target.Address, Channel = target.Channel,
                CodeHash = Hash(secrets[0], flowId, code), IssuedAt = now, ExpiresAt = now + lifespan, CreatedAt = now, UpdatedAt = now,
            });
            issued.Add((target, code));
        }
        return issued;
    }

    /// <summary>
    /// Checks a submitted code and marks it used. Every submission counts against the flow's current
    /// codes first (in one statement, so parallel guesses cannot slip past the limit); the right code
    /// after max_submissions attempts is refused too.
    /// </summary>
    /// <param name="identityId">For login: the code must have been sent for this identity.</param>
    /// <param name="addresses">For registration: the code must have been sent to one of these addresses.</param>
    public async Task<(LoginCodeCheck Result, LoginCode? Code)> UseAsync(Guid flowId, Guid? identityId, IReadOnlyCollection<string>? addresses,
        string submitted, CancellationToken ct)
    {
        var max = config.Current.SelfService.Methods.Code.Config.MaxSubmissions;
        var now = Now;
        var counted = await db.Set<LoginCode>()
            .Where(c => c.FlowId == flowId && c.UsedAt == null && c.SubmitCount < max)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.SubmitCount, c => c.SubmitCount + 1).SetProperty(c => c.UpdatedAt, now), ct);
        if (counted == 0)
        {
            var exhausted = await db.Set<LoginCode>().AnyAsync(c => c.FlowId == flowId && c.UsedAt == null && c.SubmitCount >= max, ct);
            return (exhausted ? LoginCodeCheck.TooManyAttempts : LoginCodeCheck.Invalid, null);
        }

        var candidates = await db.Set<LoginCode>().AsNoTracking().Where(c => c.FlowId == flowId && c.UsedAt == null).ToListAsync(ct);
        var match = Find(candidates, flowId, submitted.Trim());
        if (match is null || match.ExpiresAt < now
            || (identityId is not null && match.IdentityId != identityId)
            || (addresses is not null && !addresses.Contains(match.Address)))
            return (LoginCodeCheck.Invalid, null);

        var used = await db.Set<LoginCode>().Where(c => c.Id == match.Id && c.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now).SetProperty(c => c.UpdatedAt, now), ct);
        if (used == 0)
            return (LoginCodeCheck.AlreadyUsed, null);
        match.UsedAt = now;
        return (LoginCodeCheck.Valid, match);
    }

    private LoginCode? Find(IReadOnlyList<LoginCode> candidates, Guid flowId, string submitted)
    {
        foreach (var secret in Secrets())
        {
            var expected = Encoding.ASCII.GetBytes(Hash(secret, flowId, submitted));
            foreach (var candidate in candidates)
            {
                if (CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(candidate.CodeHash)))
                    return candidate;
            }
        }
        return null;
    }

    private IReadOnlyList<string> Secrets()
    {
        var secrets = config.Current.Secrets.EffectiveCookie;
        if (secrets.Count == 0)
            throw new InvalidOperationException("secrets.cookie (or secrets.default) must list at least one secret to issue one-time codes.");
        return secrets;
    }

    public static string Hash(string secret, Guid flowId, string code) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{flowId:N}:{code}")));
}
