using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Flows;

public static class FlowMapping
{
    public static void Map(ModelBuilder b, string jsonColumnType)
    {
        b.Entity<FlowRecord>(e =>
        {
            e.ToTable("selfservice_flows");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.Kind).HasColumnName("kind");
            e.Property(x => x.Type).HasColumnName("type");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            e.Property(x => x.IssuedAt).HasColumnName("issued_at");
            e.Property(x => x.RequestUrl).HasColumnName("request_url");
            e.Property(x => x.ReturnTo).HasColumnName("return_to");
            e.Property(x => x.Ui).HasColumnName("ui").HasColumnType(jsonColumnType);
            e.Property(x => x.State).HasColumnName("state");
            e.Property(x => x.Active).HasColumnName("active_method");
            e.Property(x => x.RequestedAal).HasColumnName("requested_aal");
            e.Property(x => x.Refresh).HasColumnName("refresh");
            e.Property(x => x.OrganizationId).HasColumnName("organization_id");
            e.Property(x => x.CsrfToken).HasColumnName("csrf_token");
            e.Property(x => x.IdentitySchemaId).HasColumnName("identity_schema_id");
            e.Property(x => x.IdentityId).HasColumnName("identity_id");
            e.Property(x => x.InternalContext).HasColumnName("internal_context").HasColumnType(jsonColumnType);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        });
        b.Entity<FlowErrorRecord>(e =>
        {
            e.ToTable("selfservice_errors");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.Error).HasColumnName("error").HasColumnType(jsonColumnType);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        });
    }
}
