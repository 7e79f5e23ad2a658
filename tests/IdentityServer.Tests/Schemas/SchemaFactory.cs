using System.Text;
using IdentityServer.Identities.Schemas;

namespace IdentityServer.Tests.Schemas;

internal static class SchemaFactory
{
    /// <summary>An identity schema whose <c>properties.traits</c> is the given traits schema.</summary>
    public static IdentitySchema WithTraits(string traitsSchema, string draft = "http://json-schema.org/draft-07/schema#") =>
        IdentitySchema.Parse("test", "base64://",
            "{\"$schema\":\"" + draft + "\",\"type\":\"object\",\"properties\":{\"traits\":" + traitsSchema + "}}");

    public static IdentitySchema FromDocument(string document) => IdentitySchema.Parse("test", "base64://", document);

    public static IdentitySchema Shipped(string fileName) =>
        IdentitySchema.Parse(fileName, "file://" + fileName, File.ReadAllText(Path.Combine(SchemaTestFiles.ShippedSchemasDirectory, fileName)));

    public static string Base64Url(string json) => "base64://" + Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
}
