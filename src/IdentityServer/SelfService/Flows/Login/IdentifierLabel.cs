using System.Text.Json.Nodes;
using IdentityServer.Identities.Schemas;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Flows.Login;

/// <summary>
/// The label of the login identifier input, as Kratos chooses it: when exactly one trait can identify the
/// account (a password, WebAuthn or code identifier, a passkey display name or a TOTP account name) and it
/// has a title, that title (1070002, e.g. "E-Mail"); otherwise "ID" (1070004).
/// </summary>
public static class IdentifierLabel
{
    private const int MaxDepth = 64;

    public static UiText For(IdentitySchema schema)
    {
        var found = new Dictionary<string, string?>();
        Walk(schema.Document, schema.Document, [], found, 0);
        return found.Count == 1 && found.Single() is { Value: { Length: > 0 } title } only
            ? Messages.NodeLabelGenerated(title, only.Key)
            : Messages.NodeLabelId();
    }

    private static void Walk(JsonObject root, JsonNode? node, List<string> path, Dictionary<string, string?> found, int depth)
    {
        if (node is not JsonObject schema || depth > MaxDepth) return;
        if (path.Count > 0 && TraitExtension.FromSchema(schema) is { } extension && Identifies(extension))
            found[string.Join('.', path)] = schema["title"] is JsonValue t && t.TryGetValue<string>(out var title) ? title : null;

        if (schema["$ref"] is JsonValue r && r.TryGetValue<string>(out var reference)
            && KratosExtension.ResolveLocal(root, reference) is JsonObject target)
            Walk(root, target, path, found, depth + 1);
        foreach (var key in new[] { "allOf", "anyOf", "oneOf" })
            foreach (var part in schema[key] as JsonArray ?? [])
                Walk(root, part, path, found, depth + 1);
        if (schema["properties"] is JsonObject properties)
            foreach (var (name, sub) in properties)
                Walk(root, sub, [.. path, name], found, depth + 1);
    }

    private static bool Identifies(TraitExtension extension) =>
        extension.Credential("password")?.Identifier == true
        || extension.Credential("webauthn")?.Identifier == true
        || extension.Credential("passkey")?.DisplayName == true
        || extension.Credential("totp")?.AccountName == true
        || extension.Credential("code")?.Identifier == true;
}
