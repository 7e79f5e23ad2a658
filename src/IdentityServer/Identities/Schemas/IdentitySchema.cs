using System.Text.Json;
using System.Text.Json.Nodes;

namespace IdentityServer.Identities.Schemas;

/// <summary>
/// A loaded identity schema: the configured id and URL, the document as written, and the compiled
/// form used for validation. The identity schema is an object schema whose <c>properties.traits</c>
/// describes the traits.
/// </summary>
public sealed class IdentitySchema
{
    private IdentitySchema(string id, string url, JsonObject document, NJsonSchema.JsonSchema compiled)
    {
        Id = id;
        Url = url;
        Document = document;
        Compiled = compiled;
    }

    public string Id { get; }

    /// <summary>The URL from configuration (<c>file://</c>, <c>base64://</c>, <c>http(s)://</c>).</summary>
    public string Url { get; }

    /// <summary>The schema document as loaded; callers must not modify it.</summary>
    public JsonObject Document { get; }

    /// <summary>The <c>properties.traits</c> sub-schema, if present.</summary>
    public JsonObject? TraitsSchema => Document["properties"]?["traits"] as JsonObject;

    internal NJsonSchema.JsonSchema Compiled { get; }

    /// <summary>The schema as JSON text, compact, in the original key order.</summary>
    public string ToJson() => Document.ToJsonString();

    /// <summary>Parses and compiles a schema document.</summary>
    /// <exception cref="IdentitySchemaLoadException">The document is not a JSON object or not a valid schema.</exception>
    public static IdentitySchema Parse(string id, string url, string json) =>
        ParseAsync(id, url, json).GetAwaiter().GetResult();

    /// <inheritdoc cref="Parse"/>
    public static async Task<IdentitySchema> ParseAsync(string id, string url, string json)
    {
        JsonObject document;
        try
        {
            document = JsonNode.Parse(json) as JsonObject
                ?? throw new IdentitySchemaLoadException(id, "the schema document is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new IdentitySchemaLoadException(id, "the schema document is not valid JSON: " + e.Message, e);
        }

        Materialize(document);
        return new IdentitySchema(id, url, document, await CompileAsync(id, document));
    }

    /// <summary>
    /// Parsed nodes build their children lazily on first access, which is not safe when several
    /// requests read the same schema at once; touching every node once up front avoids that.
    /// </summary>
    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Materialize(child);
                }
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Materialize(child);
                }
                break;
        }
    }

    private static async Task<NJsonSchema.JsonSchema> CompileAsync(string id, JsonObject document)
    {
        var prepared = SchemaPreparer.Prepare(document);
        try
        {
            return await NJsonSchema.JsonSchema.FromJsonAsync(prepared.ToJsonString());
        }
        catch (Exception e) when (e is Newtonsoft.Json.JsonException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            throw new IdentitySchemaLoadException(id, "the schema could not be compiled: " + e.Message, e);
        }
    }
}
