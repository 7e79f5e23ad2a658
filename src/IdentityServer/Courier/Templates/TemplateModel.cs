using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Config;

namespace IdentityServer.Courier.Templates;

/// <summary>
/// The data a template sees, with Kratos's field names. Templates are written against Kratos's Go
/// structs, where every field exists even when empty, so missing fields are filled in: a template that
/// reads `.Identity.traits.email` or `.ExpiresInMinutes` works whatever the caller supplied.
/// </summary>
public static class TemplateModel
{
    private static readonly string[] Common = ["To", "RequestURL"];

    private static readonly Dictionary<string, string[]> Fields = new()
    {
        ["recovery_valid"] = ["RecoveryURL", "Identity"],
        ["recovery_invalid"] = [],
        ["recovery_code_valid"] = ["RecoveryCode", "Identity"],
        ["recovery_code_invalid"] = [],
        ["verification_valid"] = ["VerificationURL", "Identity"],
        ["verification_invalid"] = [],
        ["verification_code_valid"] = ["VerificationURL", "VerificationCode", "Identity"],
        ["verification_code_invalid"] = [],
        ["login_code_valid"] = ["LoginCode", "Identity"],
        ["registration_code_valid"] = ["RegistrationCode", "Traits"],
        ["verifiable_address_changed"] = ["Identity", "ChangedAt"],
    };

    private static readonly HashSet<string> Objects = ["Identity", "Traits", "TransientPayload"];

    /// <summary>Kratos's JSON names of the model fields (how template_data reaches HTTP request bodies).</summary>
    private static readonly Dictionary<string, string> JsonNames = new()
    {
        ["To"] = "to",
        ["RequestURL"] = "request_url",
        ["RequestURLDomain"] = "request_url_domain",
        ["RecoveryURL"] = "recovery_url",
        ["RecoveryCode"] = "recovery_code",
        ["VerificationURL"] = "verification_url",
        ["VerificationCode"] = "verification_code",
        ["LoginCode"] = "login_code",
        ["RegistrationCode"] = "registration_code",
        ["ExpiresInMinutes"] = "expires_in_minutes",
        ["TransientPayload"] = "transient_payload",
        ["OAuth2LoginRequest"] = "oauth2_login_request",
        ["ChangedAt"] = "changed_at",
    };

    /// <summary>
    /// A copy of <paramref name="data"/> with the recipient as To, every field of the type present, and
    /// ExpiresInMinutes for messages that carry a code or link (from the code or link method's lifespan
    /// unless the caller set it).
    /// </summary>
    public static JsonObject Complete(TemplateKind? kind, string recipient, JsonObject data, KratosConfig config)
    {
        var model = (JsonObject)data.DeepClone();
        if (model["To"] is null)
            model["To"] = recipient;
        if (kind is null)
            return model;
        foreach (var field in Common.Concat(Fields[kind.Type]).Append("TransientPayload"))
        {
            if (!model.ContainsKey(field) || model[field] is null)
                model[field] = Objects.Contains(field) ? new JsonObject() : "";
        }
        if (kind.IsValid && kind.Validity is not null && model["ExpiresInMinutes"] is null)
        {
            var methods = config.SelfService.Methods;
            var lifespan = kind.IsCode ? methods.Code.Config.Lifespan : methods.Link.Config.Lifespan;
            model["ExpiresInMinutes"] = (int)Math.Round(lifespan.TotalMinutes);
        }
        return model;
    }

    /// <summary>The model with Kratos's JSON field names (to, verification_code, ...), as Jsonnet bodies read it.</summary>
    public static JsonObject ToJsonNames(JsonObject model)
    {
        var result = new JsonObject();
        foreach (var (key, value) in model)
            result[JsonNames.TryGetValue(key, out var name) ? name : SnakeCase(key)] = value?.DeepClone();
        return result;
    }

    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var boundary = i > 0 && char.IsUpper(c)
                && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])));
            if (boundary) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
