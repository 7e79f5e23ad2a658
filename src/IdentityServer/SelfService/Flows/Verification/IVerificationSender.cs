using IdentityServer.Identities;

namespace IdentityServer.SelfService.Flows.Verification;

/// <summary>
/// Sends verification messages for addresses that were just added or changed (registration, a profile
/// change in settings) when verification is enabled. The messages are queued in the request's unit of
/// work, so the caller's SaveChanges writes them with the change.
/// </summary>
public interface IVerificationSender
{
    Task SendAsync(HttpContext http, Identity identity, IReadOnlyList<IdentityVerifiableAddress> addresses, CancellationToken ct);
}
