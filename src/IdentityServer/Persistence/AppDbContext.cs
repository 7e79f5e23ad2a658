using IdentityServer.Identities;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Persistence;

/// <summary>
/// The one model of the store. Each provider has a subclass only so that its hand-written
/// migrations (SQL in that provider's dialect) can be told apart.
/// </summary>
public abstract class AppDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Identity> Identities => Set<Identity>();
    public DbSet<IdentityCredential> IdentityCredentials => Set<IdentityCredential>();
    public DbSet<IdentityCredentialIdentifier> IdentityCredentialIdentifiers => Set<IdentityCredentialIdentifier>();
    public DbSet<IdentityVerifiableAddress> IdentityVerifiableAddresses => Set<IdentityVerifiableAddress>();
    public DbSet<IdentityRecoveryAddress> IdentityRecoveryAddresses => Set<IdentityRecoveryAddress>();

    protected abstract string JsonColumnType { get; }

    protected override void OnModelCreating(ModelBuilder b)
    {
        MapIdentities(b);
        SelfService.Flows.FlowMapping.Map(b, JsonColumnType);
        // Ids are chosen by the application (Guid.NewGuid) so that rows added through a tracked
        // parent's collection are inserted, not mistaken for existing rows.
        foreach (var entity in b.Model.GetEntityTypes())
            entity.FindPrimaryKey()!.Properties.Single().ValueGenerated = Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never;
    }

    private void MapIdentities(ModelBuilder b)
    {
        b.Entity<Identity>(e =>
        {
            e.ToTable("identities");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.SchemaId).HasColumnName("schema_id");
            e.Property(x => x.Traits).HasColumnName("traits").HasColumnType(JsonColumnType);
            e.Property(x => x.State).HasColumnName("state");
            e.Property(x => x.StateChangedAt).HasColumnName("state_changed_at");
            e.Property(x => x.MetadataPublic).HasColumnName("metadata_public").HasColumnType(JsonColumnType);
            e.Property(x => x.MetadataAdmin).HasColumnName("metadata_admin").HasColumnType(JsonColumnType);
            e.Property(x => x.ExternalId).HasColumnName("external_id");
            e.Property(x => x.OrganizationId).HasColumnName("organization_id");
            e.Property(x => x.AvailableAal).HasColumnName("available_aal");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.HasIndex(x => x.ExternalId).IsUnique();
            e.HasMany(x => x.Credentials).WithOne().HasForeignKey(x => x.IdentityId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.VerifiableAddresses).WithOne().HasForeignKey(x => x.IdentityId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.RecoveryAddresses).WithOne().HasForeignKey(x => x.IdentityId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<IdentityCredential>(e =>
        {
            e.ToTable("identity_credentials");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.IdentityId).HasColumnName("identity_id");
            e.Property(x => x.Type).HasColumnName("type");
            e.Property(x => x.Config).HasColumnName("config").HasColumnType(JsonColumnType);
            e.Property(x => x.Version).HasColumnName("version");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.HasIndex(x => new { x.IdentityId, x.Type }).IsUnique();
            e.HasMany(x => x.Identifiers).WithOne().HasForeignKey(x => x.IdentityCredentialId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<IdentityCredentialIdentifier>(e =>
        {
            e.ToTable("identity_credential_identifiers");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.IdentityCredentialId).HasColumnName("identity_credential_id");
            e.Property(x => x.CredentialType).HasColumnName("identity_credential_type");
            e.Property(x => x.Identifier).HasColumnName("identifier");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.HasIndex(x => new { x.CredentialType, x.Identifier }).IsUnique();
        });
        b.Entity<IdentityVerifiableAddress>(e =>
        {
            e.ToTable("identity_verifiable_addresses");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.IdentityId).HasColumnName("identity_id");
            e.Property(x => x.Via).HasColumnName("via");
            e.Property(x => x.Value).HasColumnName("value");
            e.Property(x => x.Verified).HasColumnName("verified");
            e.Property(x => x.Status).HasColumnName("status");
            e.Property(x => x.VerifiedAt).HasColumnName("verified_at");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.HasIndex(x => new { x.Via, x.Value }).IsUnique();
        });
        b.Entity<IdentityRecoveryAddress>(e =>
        {
            e.ToTable("identity_recovery_addresses");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.IdentityId).HasColumnName("identity_id");
            e.Property(x => x.Via).HasColumnName("via");
            e.Property(x => x.Value).HasColumnName("value");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.HasIndex(x => new { x.Via, x.Value }).IsUnique();
        });
    }
}

public sealed class PostgresDbContext(DbContextOptions<PostgresDbContext> options) : AppDbContext(options)
{
    protected override string JsonColumnType => "jsonb";
}

public sealed class SqliteDbContext(DbContextOptions<SqliteDbContext> options) : AppDbContext(options)
{
    protected override string JsonColumnType => "TEXT";

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        b.HasDbFunction(typeof(SqliteJson).GetMethod(nameof(SqliteJson.Extract))!).HasName("json_extract").IsBuiltIn();
    }
}
