using IdentityServer.Identities;
using IdentityServer.SelfService.Flows.Recovery;
using IdentityServer.SelfService.Flows.Verification;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Flows;

public static class OneTimeSecretMapping
{
    public static void Map(ModelBuilder b)
    {
        b.Entity<VerificationSecret>(e =>
        {
            e.ToTable("selfservice_verification_secrets");
            e.HasKey(x => x.Id);
            // The relationships only order inserts and deletes; the secrets are read on their own.
            e.HasOne<FlowRecord>().WithMany().HasForeignKey(x => x.FlowId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<IdentityVerifiableAddress>().WithMany().HasForeignKey(x => x.AddressId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<RecoverySecret>(e =>
        {
            e.ToTable("selfservice_recovery_secrets");
            e.HasKey(x => x.Id);
            e.HasOne<FlowRecord>().WithMany().HasForeignKey(x => x.FlowId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Identity>().WithMany().HasForeignKey(x => x.IdentityId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<IdentityRecoveryAddress>().WithMany().HasForeignKey(x => x.AddressId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
