using IdentityServer.Config;
using IdentityServer.Identities.Schemas;
using IdentityServer.Persistence;
using IdentityServer.SelfService.Flows;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Strategies.Code;

/// <summary>What became of a submitted code.</summary>
public enum LoginCodeCheck
{
    Valid,
    /// <summary>Wrong, expired, used, for another flow, identity or address, or the flow has no code.</summary>
    Invalid,
    /// <summary>The flow's current code was submitted more than max_submissions times.</summary>
    TooManyAttempts,
}

/// <summary>
/// The six-digit codes of login and registration flows, kept and checked by <see cref="OneTimeSecrets"/>
/// like the codes of verification and recovery: stored as HMACs, limited attempts, used once.
/// </summary>
public sealed class LoginCodeStore(AppDbContext db, OneTimeSecrets secrets, ConfigStore config)
{
    /// <summary>
    /// Replaces the flow's codes with a new one per address. Earlier codes stop working at once; the new
    /// ones are only added to the unit of work, so the caller's SaveChanges writes them with the flow change
    /// and the queued messages.
    /// </summary>
    public async Task<IReadOnlyList<(CodeAddress Target, string Code)>> IssueAsync(Guid flowId, Guid? identityId,
        IReadOnlyList<CodeAddress> targets, CancellationToken ct)
    {
        // Guesses count per flow: the new codes start where the flow's earlier codes left off.
        var attempts = await secrets.AttemptsAsync<LoginCode>(flowId, ct);
        await db.Set<LoginCode>().Where(c => c.FlowId == flowId).ExecuteDeleteAsync(ct);
        var now = secrets.Now;
        var lifespan = config.Current.SelfService.Methods.Code.Config.Lifespan;
        var issued = new List<(CodeAddress, string)>();
        foreach (var target in targets)
        {
            var code = OneTimeSecrets.NewCode();
            db.Add(new LoginCode
            {
                Id = Guid.NewGuid(), FlowId = flowId, Method = OneTimeSecrets.Code, Hash = secrets.Hash(code), ExpiresAt = now + lifespan,
                CreatedAt = now, IdentityId = identityId, Address = target.Address, Channel = target.Channel, Attempts = attempts,
            });
            issued.Add((target, code));
        }
        return issued;
    }

    /// <summary>
    /// Checks a submitted code and marks it used. A code that was sent for another identity (login) or
    /// to an address the traits no longer have (registration) is used up and refused.
    /// </summary>
    public async Task<(LoginCodeCheck Result, LoginCode? Code)> UseAsync(Guid flowId, Guid? identityId, IReadOnlyCollection<string>? addresses,
        string submitted, CancellationToken ct)
    {
        var use = await secrets.UseCodeAsync<LoginCode>(flowId, submitted, config.Current.SelfService.Methods.Code.Config.MaxSubmissions, ct);
        return use switch
        {
            { Outcome: SecretOutcome.TooManyAttempts } => (LoginCodeCheck.TooManyAttempts, null),
            { Outcome: SecretOutcome.Valid, Secret: { } code }
                when (identityId is null || code.IdentityId == identityId) && (addresses is null || addresses.Contains(code.Address))
                => (LoginCodeCheck.Valid, code),
            _ => (LoginCodeCheck.Invalid, null),
        };
    }
}
