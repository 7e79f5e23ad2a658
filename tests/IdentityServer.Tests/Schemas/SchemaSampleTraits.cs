using System.Text.Json.Nodes;
using IdentityServer.Identities.Schemas;

namespace IdentityServer.Tests.Schemas;

/// <summary>Builds a valid traits document for a schema from its form inputs.</summary>
internal static class SchemaSampleTraits
{
    public const string Email = "Sample.User@Example.com";
    public const string Phone = "+49 176 12345678";

    public static JsonObject For(IdentitySchema schema)
    {
        var traits = new JsonObject();
        foreach (var node in TraitsNodeBuilder.Build(schema, null))
        {
            var path = node.Name.Split('.');
            if (path[0] != "traits")
            {
                continue;
            }
            JsonObject target = traits;
            foreach (var segment in path[1..^1])
            {
                if (target[segment] is not JsonObject next)
                {
                    next = new JsonObject();
                    target[segment] = next;
                }
                target = next;
            }
            target[path[^1]] = node.Type switch
            {
                "email" => Email,
                "tel" => Phone,
                "number" => 1,
                "checkbox" => true,
                _ => "sample-value",
            };
        }
        return traits;
    }
}
