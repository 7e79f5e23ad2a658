namespace IdentityServer.SelfService.Flows.Recovery;

/// <summary>A code or link token that signs its holder in as the identity to recover.</summary>
public sealed class RecoverySecret : OneTimeSecretRecord
{
    public Guid IdentityId { get; set; }
    /// <summary>The recovery address it was sent to; null when an administrator created it.</summary>
    public Guid? AddressId { get; set; }
    public bool IssuedByAdmin { get; set; }
}
