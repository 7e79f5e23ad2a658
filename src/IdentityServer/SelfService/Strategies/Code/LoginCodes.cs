using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Strategies.Code;

/// <summary>
/// A one-time code sent to sign in or to sign up, one row per address it went to. Only an HMAC of
/// the code is stored. Registration codes have no identity yet.
/// </summary>
public sealed class LoginCode
{
    public Guid Id { get; set; }
    public Guid FlowId { get; set; }
    public Guid? IdentityId { get; set; }
    /// <summary>The address the code was sent to (an email address or an E.164 phone number).</summary>
    public string Address { get; set; } = "";
    /// <summary>email or sms.</summary>
    public string Channel { get; set; } = "";
    public string CodeHash { get; set; } = "";
    /// <summary>How often a code was submitted while this one was the flow's current code.</summary>
    public int SubmitCount { get; set; }
    public DateTime IssuedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class LoginCodeMapping
{
    public static void Map(ModelBuilder b) => b.Entity<LoginCode>(e =>
    {
        e.ToTable("identity_login_codes");
        e.HasKey(x => x.Id);
        e.HasIndex(x => x.FlowId);
    });
}
