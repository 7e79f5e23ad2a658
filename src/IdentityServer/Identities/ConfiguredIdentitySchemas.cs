using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Identities.Schemas;

namespace IdentityServer.Identities;

/// <summary>The configured identity schemas, as the identity code sees them.</summary>
public sealed class ConfiguredIdentitySchemas(IdentitySchemaRegistry registry, KratosConfig config) : IIdentitySchemas
{
    public string DefaultSchemaId => registry.DefaultSchemaId;

    public bool Exists(string schemaId) => registry.Schemas.Any(s => s.Id == schemaId);

    public string PublicUrl(string schemaId)
    {
        var baseUrl = config.Serve.Public.BaseUrl?.ToString() ?? $"http://127.0.0.1:{config.Serve.Public.Port}/";
        return baseUrl.TrimEnd('/') + "/schemas/" + IdentitySchemaRegistry.EncodeId(schemaId);
    }

    public async Task<TraitsCheck> CheckAsync(string schemaId, JsonNode traits, CancellationToken ct)
    {
        var schema = await registry.GetAsync(schemaId, ct);
        var errors = TraitsValidator.Validate(schema, traits);
        var derived = KratosExtension.Derive(schema, traits);
        return new TraitsCheck(
            errors.Select(e => new TraitProblem(e.Pointer, e.Message.Id, e.Message.Text, e.Message.Context)).ToList(),
            new DerivedAddresses(
                derived.CredentialIdentifiers,
                derived.CodeAddresses.Select(a => (a.Channel, a.Address)).ToList(),
                derived.VerifiableAddresses.Select(a => (a.Via, a.Value)).ToList(),
                derived.RecoveryAddresses.Select(a => (a.Via, a.Value)).ToList()));
    }
}
