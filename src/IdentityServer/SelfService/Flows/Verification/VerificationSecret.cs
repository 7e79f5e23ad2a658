namespace IdentityServer.SelfService.Flows.Verification;

/// <summary>A code or link token that proves access to one verifiable address.</summary>
public sealed class VerificationSecret : OneTimeSecretRecord
{
    public Guid AddressId { get; set; }
}
