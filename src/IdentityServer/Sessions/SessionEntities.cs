using IdentityServer.Identities;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Sessions;

/// <summary>A row of the sessions table. Only the SHA-256 hash of the session token is stored.</summary>
public sealed class SessionRecord
{
    public Guid Id { get; set; }
    public Guid IdentityId { get; set; }
    public string TokenHash { get; set; } = "";
    public bool Active { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime AuthenticatedAt { get; set; }
    public DateTime IssuedAt { get; set; }
    public string Aal { get; set; } = "aal1";
    /// <summary>JSON array of {method, aal, completed_at, provider?}.</summary>
    public string AuthenticationMethods { get; set; } = "[]";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public Identity? Identity { get; set; }
    public List<SessionDevice> Devices { get; set; } = [];
}

/// <summary>A client (address and user agent) a session was used from.</summary>
public sealed class SessionDevice
{
    public Guid Id { get; set; }
    public Guid SessionId { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public string? Location { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class SessionMapping
{
    public static void Map(ModelBuilder b, string jsonColumnType)
    {
        b.Entity<SessionRecord>(e =>
        {
            e.ToTable("sessions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.IdentityId).HasColumnName("identity_id");
            e.Property(x => x.TokenHash).HasColumnName("token_hash");
            e.Property(x => x.Active).HasColumnName("active");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            e.Property(x => x.AuthenticatedAt).HasColumnName("authenticated_at");
            e.Property(x => x.IssuedAt).HasColumnName("issued_at");
            e.Property(x => x.Aal).HasColumnName("aal");
            e.Property(x => x.AuthenticationMethods).HasColumnName("authentication_methods").HasColumnType(jsonColumnType);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.HasIndex(x => x.IdentityId);
            e.HasOne(x => x.Identity).WithMany().HasForeignKey(x => x.IdentityId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Devices).WithOne().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<SessionDevice>(e =>
        {
            e.ToTable("session_devices");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.SessionId).HasColumnName("session_id");
            e.Property(x => x.IpAddress).HasColumnName("ip_address");
            e.Property(x => x.UserAgent).HasColumnName("user_agent");
            e.Property(x => x.Location).HasColumnName("location");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        });
    }
}
