using System.Text.Json.Nodes;

namespace IdentityServer.Identities;

/// <summary>What the identity schema says about a traits document.</summary>
public sealed record TraitsCheck(IReadOnlyList<TraitProblem> Problems, DerivedAddresses Derived);

/// <summary>One failed schema rule: the trait's JSON pointer and a Kratos UI message.</summary>
public sealed record TraitProblem(string Pointer, long MessageId, string Text, JsonObject? Context);

/// <summary>Identifiers and addresses that the ory.sh/kratos extension derives from traits.</summary>
public sealed record DerivedAddresses(
    IReadOnlyDictionary<string, IReadOnlyList<string>> Identifiers,
    IReadOnlyList<(string Channel, string Address)> CodeAddresses,
    IReadOnlyList<(string Via, string Value)> VerifiableAddresses,
    IReadOnlyList<(string Via, string Value)> RecoveryAddresses);

/// <summary>The schema side of identities: which schemas exist, their URLs, traits validation.</summary>
public interface IIdentitySchemas
{
    string DefaultSchemaId { get; }
    bool Exists(string schemaId);
    /// <summary>The public URL of the schema, as Kratos reports it in schema_url.</summary>
    string PublicUrl(string schemaId);
    Task<TraitsCheck> CheckAsync(string schemaId, JsonNode traits, CancellationToken ct);
}

/// <summary>The password side of identities: hashing with the configured algorithm and import checks.</summary>
public interface IPasswordHashing
{
    string Hash(string password);
    /// <summary>Null when the hash is in a format that can be imported, else the reason it cannot.</summary>
    string? ImportProblem(string hashedPassword);
}
