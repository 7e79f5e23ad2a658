namespace IdentityServer.Identities.Schemas;

/// <summary>No schema with the requested id is configured.</summary>
public sealed class UnknownIdentitySchemaException(string id)
    : Exception($"Identity schema `{id}` could not be found.")
{
    public string SchemaId { get; } = id;
}

/// <summary>A configured schema could not be fetched, decoded or compiled.</summary>
public sealed class IdentitySchemaLoadException : Exception
{
    public IdentitySchemaLoadException(string id, string reason, Exception? inner = null)
        : base($"Identity schema `{id}` could not be loaded: {reason}", inner)
    {
        SchemaId = id;
    }

    public string SchemaId { get; }
}
