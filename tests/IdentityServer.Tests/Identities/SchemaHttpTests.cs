using System.Net;
using IdentityServer.Tests.Infrastructure;

namespace IdentityServer.Tests.Identities;

public class SchemaHttpTests
{
    [Fact]
    public async Task Schemas_are_listed_and_fetched_on_the_public_listener()
    {
        await using var server = await TestServer.StartAsync(TestDatabases.CreateSqlite());
        using var api = new Api(server.PublicUrl);
        var list = await api.Get("/schemas");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var first = list.Json.AsArray().Single()!;
        Assert.Equal("default", first["id"]!.GetValue<string>());
        Assert.NotNull(first["schema"]!["properties"]!["traits"]);

        // Kratos's schema_url form (base64url of the id) and the plain id both work.
        foreach (var id in new[] { "ZGVmYXVsdA", "default" })
        {
            var one = await api.Get("/schemas/" + id);
            Assert.Equal(HttpStatusCode.OK, one.Status);
            Assert.NotNull(one.Json["properties"]!["traits"]);
        }
        var unknown = await api.Get("/schemas/nope");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal(404, unknown.ErrorCode);

        using var admin = new Api(server.AdminUrl);
        Assert.Equal(HttpStatusCode.OK, (await admin.Get("/admin/schemas")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get("/schemas")).Status);
    }
}
