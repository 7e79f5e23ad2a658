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
        });
        b.Entity<RecoverySecret>(e =>
        {
            e.ToTable("selfservice_recovery_secrets");
            e.HasKey(x => x.Id);
        });
    }
}
