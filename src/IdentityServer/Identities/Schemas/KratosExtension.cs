using System.Text.Json.Nodes;
using IdentityServer.Text;

namespace IdentityServer.Identities.Schemas;

/// <summary>The settings of one credential type inside a trait's <c>ory.sh/kratos</c> extension.</summary>
public sealed record CredentialSettings(bool Identifier, string? Via, bool AccountName, bool DisplayName);

/// <summary>The <c>ory.sh/kratos</c> extension of one trait.</summary>
public sealed record TraitExtension(
    IReadOnlyDictionary<string, CredentialSettings> Credentials,
    string? VerificationVia,
    string? RecoveryVia)
{
    public CredentialSettings? Credential(string type) => Credentials.GetValueOrDefault(type);

    public static TraitExtension? FromSchema(JsonObject schema)
    {
        if (schema[KratosExtension.Key] is not JsonObject ext)
        {
            return null;
        }
        var credentials = new Dictionary<string, CredentialSettings>();
        if (ext["credentials"] is JsonObject creds)
        {
            foreach (var (type, node) in creds)
            {
                if (node is JsonObject c)
                {
                    credentials[type] = new CredentialSettings(
                        Flag(c, "identifier"), Text(c, "via"), Flag(c, "account_name"), Flag(c, "display_name"));
                }
            }
        }
        return new TraitExtension(credentials, Text(ext["verification"], "via"), Text(ext["recovery"], "via"));
    }

    private static bool Flag(JsonNode? node, string key) =>
        node?[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static string? Text(JsonNode? node, string key) =>
        node is JsonObject o && o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>Everything the extension derives from a traits document.</summary>
public sealed record TraitsDerivation(
    IReadOnlyDictionary<string, IReadOnlyList<string>> CredentialIdentifiers,
    IReadOnlyList<CodeAddress> CodeAddresses,
    IReadOnlyList<VerifiableAddress> VerifiableAddresses,
    IReadOnlyList<RecoveryAddress> RecoveryAddresses,
    string? PasskeyDisplayName,
    string? TotpAccountName,
    IReadOnlyList<TraitError> Errors)
{
    public IReadOnlyList<string> IdentifiersFor(string credentialType) =>
        CredentialIdentifiers.GetValueOrDefault(credentialType) ?? [];
}

/// <summary>
/// Reads the <c>ory.sh/kratos</c> extension of identity schemas (on any trait, nested objects and
/// arrays included) and derives credential identifiers, verifiable and recovery addresses from traits.
/// </summary>
public static class KratosExtension
{
    public const string Key = "ory.sh/kratos";

    private const int MaxDepth = 64;

    public static TraitsDerivation Derive(IdentitySchema schema, JsonNode? traits)
    {
        var collector = new Collector();
        Walk(schema.Document, schema.Document, new JsonObject { ["traits"] = traits?.DeepClone() ?? new JsonObject() }, "#", 0,
            (ext, sub, value, pointer) => collector.Apply(ext, sub, value, pointer));
        return collector.Result();
    }

    /// <summary>
    /// A copy of the traits with every phone number used for SMS (code sign-in, verification or
    /// recovery via <c>sms</c>) rewritten to E.164 when it is a valid number.
    /// </summary>
    public static JsonNode NormalizePhoneTraits(IdentitySchema schema, JsonNode? traits)
    {
        var document = new JsonObject { ["traits"] = traits?.DeepClone() ?? new JsonObject() };
        var rewrites = new List<(JsonNode Parent, string? Key, int Index, string Value)>();
        Walk(schema.Document, schema.Document, document, "#", 0, (ext, _, value, _) =>
        {
            var usesSms = (ext.Credential("code") is { Identifier: true, Via: AddressChannels.Sms })
                || ext.VerificationVia == AddressChannels.Sms || ext.RecoveryVia == AddressChannels.Sms;
            if (usesSms && value.GetValueKind() == System.Text.Json.JsonValueKind.String
                && TraitFormats.TryNormalizePhone(value.GetValue<string>(), out var e164) && value.Parent is { } parent)
            {
                rewrites.Add((parent, parent is JsonObject ? value.GetPropertyName() : null,
                    parent is JsonArray ? value.GetElementIndex() : -1, e164));
            }
        });
        foreach (var (parent, key, index, e164) in rewrites)
        {
            if (parent is JsonObject obj && key is not null)
            {
                obj[key] = e164;
            }
            else if (parent is JsonArray array && index >= 0)
            {
                array[index] = e164;
            }
        }
        return document["traits"]!.DeepClone();
    }

    /// <summary>Visits every instance value that a schema location with the extension applies to.</summary>
    private static void Walk(JsonObject root, JsonNode? schemaNode, JsonNode? instance, string pointer, int depth,
        Action<TraitExtension, JsonObject, JsonValue, string> visit)
    {
        if (schemaNode is not JsonObject schema || instance is null || depth > MaxDepth)
        {
            return;
        }

        if (schema["$ref"] is JsonValue refValue && refValue.TryGetValue<string>(out var reference)
            && ResolveLocal(root, reference) is JsonObject target)
        {
            Walk(root, target, instance, pointer, depth + 1, visit);
        }

        if (instance is JsonValue value && TraitExtension.FromSchema(schema) is { } extension)
        {
            visit(extension, schema, value, pointer);
        }

        foreach (var combinator in new[] { "allOf", "anyOf", "oneOf" })
        {
            if (schema[combinator] is JsonArray parts)
            {
                foreach (var part in parts)
                {
                    Walk(root, part, instance, pointer, depth + 1, visit);
                }
            }
        }

        if (instance is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (name, sub) in properties)
            {
                if (obj.TryGetPropertyValue(name, out var child))
                {
                    Walk(root, sub, child, JsonPointers.Append(pointer, name), depth + 1, visit);
                }
            }
        }

        if (instance is JsonArray array)
        {
            var tuple = schema["prefixItems"] as JsonArray ?? schema["items"] as JsonArray;
            var rest = schema["items"] as JsonObject;
            for (var i = 0; i < array.Count; i++)
            {
                var itemSchema = tuple is not null && i < tuple.Count ? tuple[i] : rest;
                Walk(root, itemSchema, array[i], JsonPointers.Append(pointer, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), depth + 1, visit);
            }
        }
    }

    /// <summary>Resolves <c>#/...</c> references inside the same document; others are ignored.</summary>
    internal static JsonNode? ResolveLocal(JsonObject root, string reference)
    {
        if (!reference.StartsWith('#'))
        {
            return null;
        }
        JsonNode? current = root;
        foreach (var raw in reference[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = JsonPointers.Unescape(Uri.UnescapeDataString(raw));
            current = current switch
            {
                JsonObject o => o[segment],
                JsonArray a when int.TryParse(segment, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
            if (current is null)
            {
                return null;
            }
        }
        return current;
    }

    private sealed class Collector
    {
        private readonly Dictionary<string, List<string>> _identifiers = new();
        private readonly List<CodeAddress> _codeAddresses = [];
        private readonly List<VerifiableAddress> _verifiable = [];
        private readonly List<RecoveryAddress> _recovery = [];
        private readonly List<TraitError> _errors = [];
        private string? _passkeyDisplayName;
        private string? _totpAccountName;

        public void Apply(TraitExtension extension, JsonObject schema, JsonValue node, string pointer)
        {
            if (!TryText(node, out var value))
            {
                return;
            }
            var format = schema["format"] is JsonValue f && f.TryGetValue<string>(out var fs) ? fs : "";

            foreach (var (type, settings) in extension.Credentials)
            {
                if (type == "code")
                {
                    continue;
                }
                if (settings.Identifier)
                {
                    AddIdentifier(type, IdentifierNormalizer.Graceful(value));
                }
                if (type == "passkey" && settings.DisplayName)
                {
                    _passkeyDisplayName ??= value;
                }
                if (type == "totp" && settings.AccountName)
                {
                    _totpAccountName ??= value;
                }
            }

            if (extension.Credential("code") is { Identifier: true } code)
            {
                ApplyCode(code.Via ?? "", format, value, pointer);
            }
            if (!string.IsNullOrEmpty(extension.VerificationVia))
            {
                ApplyVerification(extension.VerificationVia, format, value, pointer);
            }
            if (!string.IsNullOrEmpty(extension.RecoveryVia))
            {
                ApplyRecovery(extension.RecoveryVia, format, value, pointer);
            }
        }

        private void ApplyCode(string via, string format, string value, string pointer)
        {
            if (via is not (AddressChannels.Email or AddressChannels.Sms))
            {
                Fail(pointer, Messages.ValidationGeneric($"channel type {GoStyleFormat.Quote(via)} must be one of email, sms"));
                return;
            }
            string normalized;
            // Emails with a custom format (e.g. no-validate) are gated by the schema alone.
            if (via == AddressChannels.Email && format != "" && format != "email")
            {
                normalized = IdentifierNormalizer.Graceful(value);
            }
            else if (!IdentifierNormalizer.TryNormalizeFor(via, value, out normalized))
            {
                Fail(pointer, ValidationErrorTranslator.FormatMessage(via == AddressChannels.Sms ? "tel" : "email", value));
                return;
            }
            var address = new CodeAddress(via, normalized);
            if (!_codeAddresses.Contains(address))
            {
                _codeAddresses.Add(address);
            }
        }

        private void ApplyVerification(string via, string format, string value, string pointer)
        {
            if (format == "")
            {
                if (via != AddressChannels.Email)
                {
                    Fail(pointer, Messages.ValidationGeneric(
                        "no format specified. A format is required if verification is enabled. If this was intentional, please set \"format\" to \"no-validate\""));
                    return;
                }
                if (!TraitFormats.IsEmail(value))
                {
                    Fail(pointer, Messages.ValidationEmail(value));
                    return;
                }
                format = "email";
            }

            string normalized;
            if (format is "email" or "tel")
            {
                if (!IdentifierNormalizer.TryNormalizeFor(via, value, out normalized))
                {
                    Fail(pointer, Messages.ValidationGeneric(
                        $"{GoStyleFormat.Quote(value)} can not be normalized for format {GoStyleFormat.Quote(format)}"));
                    return;
                }
            }
            else
            {
                normalized = value.Trim();
            }

            if (!_verifiable.Any(a => AddressMerger.SameAddress(a.Via, a.Value, via, normalized)))
            {
                _verifiable.Add(new VerifiableAddress { Value = normalized, Via = via, Status = VerifiableAddressStatus.Pending });
            }
        }

        private void ApplyRecovery(string via, string format, string value, string pointer)
        {
            string normalized;
            switch (via)
            {
                case AddressChannels.Email:
                    if ((format is "" or "email") && !TraitFormats.IsEmail(value))
                    {
                        Fail(pointer, Messages.ValidationEmail(value));
                        return;
                    }
                    normalized = IdentifierNormalizer.Email(value);
                    break;
                case AddressChannels.Sms:
                    if (!IdentifierNormalizer.TryNormalizeFor(AddressChannels.Sms, value, out normalized))
                    {
                        Fail(pointer, Messages.ValidationPhone(value));
                        return;
                    }
                    break;
                default:
                    Fail(pointer, Messages.ValidationGeneric($"recovery.via has unknown value {GoStyleFormat.Quote(via)}"));
                    return;
            }

            if (!_recovery.Any(a => AddressMerger.SameAddress(a.Via, a.Value, via, normalized)))
            {
                _recovery.Add(new RecoveryAddress { Value = normalized, Via = via });
            }
        }

        private void AddIdentifier(string type, string identifier)
        {
            if (!_identifiers.TryGetValue(type, out var list))
            {
                list = [];
                _identifiers[type] = list;
            }
            if (!list.Contains(identifier))
            {
                list.Add(identifier);
            }
        }

        private void Fail(string pointer, UiText message) => _errors.Add(TraitError.At(pointer, message));

        private static bool TryText(JsonValue node, out string value)
        {
            if (node.TryGetValue<string>(out var s))
            {
                value = s;
                return true;
            }
            value = "";
            return false;
        }

        public TraitsDerivation Result()
        {
            // Code addresses are kept sorted so that stored credentials do not change with trait order.
            var codeAddresses = _codeAddresses
                .OrderBy(a => a.Address, StringComparer.Ordinal)
                .ThenBy(a => a.Channel, StringComparer.Ordinal)
                .ToList();
            foreach (var address in codeAddresses)
            {
                AddIdentifier("code", address.Address);
            }
            var identifiers = _identifiers.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value);
            return new TraitsDerivation(identifiers, codeAddresses, _verifiable, _recovery,
                _passkeyDisplayName, _totpAccountName, _errors);
        }
    }
}
