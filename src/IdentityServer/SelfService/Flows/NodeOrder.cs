using System.Text.Json.Nodes;

namespace IdentityServer.SelfService.Flows;

/// <summary>
/// Orders form nodes the way Kratos does, so that UIs rendering nodes in order show the same form: first by
/// group (groups Kratos does not list come first), then within a group, and between the default and password
/// groups, by a list of field names (a name matches an entry it starts with). Submit buttons named `method`
/// come last; fields with the same position are ordered by their value's text.
/// </summary>
public static class NodeOrder
{
    private static readonly string[] LoginGroups =
    [
        UiNodeGroups.Oidc, UiNodeGroups.Default, UiNodeGroups.Webauthn, UiNodeGroups.Passkey, UiNodeGroups.Code,
        UiNodeGroups.Password, UiNodeGroups.Totp, UiNodeGroups.LookupSecret,
    ];

    private static readonly string[] LoginFields = ["csrf_token", "identifier", "password"];

    private static readonly string[] RegistrationGroups =
    [
        UiNodeGroups.Oidc, "saml", UiNodeGroups.Default, UiNodeGroups.Webauthn, UiNodeGroups.Passkey, UiNodeGroups.Code,
        UiNodeGroups.Password, UiNodeGroups.Captcha, UiNodeGroups.Profile,
    ];

    private static readonly string[] WebauthnFields = ["webauthn_remove", "webauthn_register_displayname", "webauthn_register"];

    public static void SortLogin(UiContainer ui) => Sort(ui.Nodes, LoginGroups, LoginFields);

    /// <summary>Registration forms follow the identity schema: the CSRF token, the first trait, the password, the other traits.</summary>
    public static void SortRegistration(UiContainer ui, JsonObject identitySchema)
    {
        var keys = new List<string>();
        SchemaKeys(identitySchema, [], keys);
        List<string> fields = keys.Count switch
        {
            0 => ["csrf_token", "password"],
            _ => ["csrf_token", keys[0], "password", .. keys.Skip(1)],
        };
        fields.AddRange(WebauthnFields);
        Sort(ui.Nodes, RegistrationGroups, fields);
    }

    /// <summary>The dotted paths of the schema's non-object properties, in the order they are written.</summary>
    private static void SchemaKeys(JsonNode? schema, List<string> parents, List<string> keys)
    {
        if (schema is JsonObject o && o["type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "object")
        {
            if (o["properties"] is not JsonObject properties) return;
            foreach (var (name, property) in properties)
                SchemaKeys(property, [.. parents, name.Replace(".", "\\.")], keys);
            return;
        }
        keys.Add(string.Join('.', parents));
    }

    private static void Sort(List<UiNode> nodes, string[] groups, IReadOnlyList<string> fields)
    {
        var byGroup = nodes.OrderBy(n => Array.IndexOf(groups, n.Group)).ToList();

        int Position(UiNode node)
        {
            var id = node.Attributes["name"]?.GetValue<string>() ?? node.Attributes["id"]?.GetValue<string>() ?? "";
            if (id == "method") return byGroup.Count + fields.Count + 1;
            for (var i = 0; i < fields.Count; i++)
                if (id.StartsWith(fields[i], StringComparison.Ordinal)) return i;
            return fields.Count;
        }

        bool Less(UiNode a, UiNode b)
        {
            var comparable = a.Group == b.Group
                || (a.Group == UiNodeGroups.Default && b.Group == UiNodeGroups.Password)
                || (a.Group == UiNodeGroups.Password && b.Group == UiNodeGroups.Default);
            if (!comparable) return false;
            var (pa, pb) = (Position(a), Position(b));
            if (pa != pb) return pa < pb;
            return string.CompareOrdinal(ValueText(a), ValueText(b)) < 0;
        }

        // An insertion sort, as Kratos's stable sort does for up to 20 nodes: the comparison above is not a total
        // order (nodes of unrelated groups never pass each other), so the algorithm decides the result.
        for (var i = 1; i < byGroup.Count; i++)
            for (var j = i; j > 0 && Less(byGroup[j], byGroup[j - 1]); j--)
                (byGroup[j], byGroup[j - 1]) = (byGroup[j - 1], byGroup[j]);

        nodes.Clear();
        nodes.AddRange(byGroup);
    }

    private static string ValueText(UiNode node) => node.Attributes["value"] switch
    {
        null => "<nil>",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var other => other.ToJsonString(),
    };
}
