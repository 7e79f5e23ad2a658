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
        Sessions.SessionMapping.Map(b, JsonColumnType);
        SelfService.Flows.FlowMapping.Map(b, JsonColumnType);
        SelfService.Strategies.Code.LoginCodeMapping.Map(b);
        SelfService.Flows.OneTimeSecretMapping.Map(b);
        Courier.CourierMapping.Map(b, JsonColumnType);
        foreach (var entity in b.Model.GetEntityTypes())
        {
            // Ids are chosen by the application (Guid.NewGuid) so that rows added through a tracked
            // parent's collection are inserted, not mistaken for existing rows.
            entity.FindPrimaryKey()!.Properties.Single().ValueGenerated = Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never;
            // Columns are the snake_case of the property names unless a mapping names them.
            foreach (var property in entity.GetProperties())
            {
                if (property.GetColumnName() == property.Name)
                    property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private void MapIdentities(ModelBuilder b)
    {
        b.Entity<Identity>(e =>
        {
            e.ToTable("identities");
            e.HasKey(x => x.Id);
            e.Property(x => x.Traits).HasColumnType(JsonColumnType);
            e.Property(x => x.MetadataPublic).HasColumnType(JsonColumnType);
            e.Property(x => x.MetadataAdmin).HasColumnType(JsonColumnType);
            e.HasIndex(x => x.ExternalId).IsUnique();
            e.HasMany(x => x.Credentials).WithOne().HasForeignKey(x => x.IdentityId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.VerifiableAddresses).WithOne().HasForeignKey(x => x.IdentityId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.RecoveryAddresses).WithOne().HasForeignKey(x => x.IdentityId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<IdentityCredential>(e =>
        {
            e.ToTable("identity_credentials");
            e.HasKey(x => x.Id);
            e.Property(x => x.Config).HasColumnType(JsonColumnType);
            e.HasIndex(x => new { x.IdentityId, x.Type }).IsUnique();
            e.HasMany(x => x.Identifiers).WithOne().HasForeignKey(x => x.IdentityCredentialId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<IdentityCredentialIdentifier>(e =>
        {
            e.ToTable("identity_credential_identifiers");
            e.HasKey(x => x.Id);
            e.Property(x => x.CredentialType).HasColumnName("identity_credential_type");
            e.HasIndex(x => new { x.CredentialType, x.Identifier }).IsUnique();
        });
        b.Entity<IdentityVerifiableAddress>(e =>
        {
            e.ToTable("identity_verifiable_addresses");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Via, x.Value }).IsUnique();
        });
        b.Entity<IdentityRecoveryAddress>(e =>
        {
            e.ToTable("identity_recovery_addresses");
            e.HasKey(x => x.Id);
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
