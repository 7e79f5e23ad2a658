using IdentityServer.Identities;
using IdentityServer.SelfService.Flows;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Strategies.Code;

/// <summary>
/// A one-time code sent to sign in or to sign up, one row per address it went to (so the code used tells
/// which address was proven). Registration codes have no identity yet.
/// </summary>
public sealed class LoginCode : OneTimeSecretRecord
{
    public Guid? IdentityId { get; set; }
    /// <summary>The address the code was sent to (an email address or an E.164 phone number).</summary>
    public string Address { get; set; } = "";
    /// <summary>email or sms.</summary>
    public string Channel { get; set; } = "";
}

public static class LoginCodeMapping
{
    public static void Map(ModelBuilder b) => b.Entity<LoginCode>(e =>
    {
        e.ToTable("selfservice_login_codes");
        e.HasKey(x => x.Id);
        // The relationships only order inserts and deletes; the codes are read on their own.
        e.HasOne<FlowRecord>().WithMany().HasForeignKey(x => x.FlowId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Identity>().WithMany().HasForeignKey(x => x.IdentityId).OnDelete(DeleteBehavior.Cascade);
    });
}
