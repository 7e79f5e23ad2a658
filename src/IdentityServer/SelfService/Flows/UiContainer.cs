using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Flows;

public static class UiNodeGroups
{
    public const string Default = "default";
    public const string Password = "password";
    public const string Code = "code";
    public const string Oidc = "oidc";
    public const string Totp = "totp";
    public const string LookupSecret = "lookup_secret";
    public const string Webauthn = "webauthn";
    public const string Passkey = "passkey";
    public const string Profile = "profile";
    public const string IdentifierFirst = "identifier_first";
    public const string Captcha = "captcha";
}

public sealed class UiNodeMeta
{
    [JsonPropertyName("label")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public UiText? Label { get; set; }
}

/// <summary>One form element (Kratos's `uiNode`): input, img, a, script or text, with its attributes.</summary>
public sealed class UiNode
{
    [JsonPropertyName("type")]
    public string Type { get; set; } = "input";

    [JsonPropertyName("group")]
    public string Group { get; set; } = UiNodeGroups.Default;

    /// <summary>Kept as JSON because each node type has its own attribute shape.</summary>
    [JsonPropertyName("attributes")]
    public JsonObject Attributes { get; set; } = new();

    [JsonPropertyName("messages")]
    public List<UiText> Messages { get; set; } = [];

    [JsonPropertyName("meta")]
    public UiNodeMeta Meta { get; set; } = new();

    [JsonIgnore]
    public string? Name => Attributes["name"]?.GetValue<string>();

    /// <summary>An input node with attributes in Kratos's order; value, required and autocomplete only when given.</summary>
    public static UiNode Input(string name, string group, string type, JsonNode? value = null, bool required = false,
        string? autocomplete = null, string? pattern = null, UiText? label = null)
    {
        var attributes = new JsonObject { ["name"] = name, ["type"] = type };
        if (value is not null) attributes["value"] = value.DeepClone();
        if (required) attributes["required"] = true;
        if (autocomplete is not null) attributes["autocomplete"] = autocomplete;
        if (pattern is not null) attributes["pattern"] = pattern;
        attributes["disabled"] = false;
        attributes["node_type"] = "input";
        return new UiNode { Type = "input", Group = group, Attributes = attributes, Meta = new UiNodeMeta { Label = label } };
    }

    public void SetValue(JsonNode? value)
    {
        // Keep Kratos's attribute order: value comes right after type.
        var copy = new JsonObject();
        foreach (var (key, v) in Attributes)
        {
            if (key == "value") continue;
            copy[key] = v?.DeepClone();
            if (key == "type" && value is not null) copy["value"] = value.DeepClone();
        }
        Attributes = copy;
    }
}

/// <summary>The form a UI renders for a flow (Kratos's `uiContainer`).</summary>
public sealed class UiContainer
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    [JsonPropertyName("action")]
    public string Action { get; set; } = "";

    [JsonPropertyName("method")]
    public string Method { get; set; } = "POST";

    [JsonPropertyName("nodes")]
    public List<UiNode> Nodes { get; set; } = [];

    [JsonPropertyName("messages")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<UiText>? Messages { get; set; }

    public UiNode? Find(string name, string? group = null) =>
        Nodes.FirstOrDefault(n => n.Name == name && (group is null || n.Group == group));

    /// <summary>Replaces the node with the same name and group, or appends it.</summary>
    public void Upsert(UiNode node)
    {
        var index = Nodes.FindIndex(n => n.Name == node.Name && n.Group == node.Group);
        if (index >= 0) Nodes[index] = node;
        else Nodes.Add(node);
    }

    public void AddMessage(UiText message) => (Messages ??= []).Add(message);

    /// <summary>Removes the nodes with this name and group.</summary>
    public void Remove(string name, string group) => Nodes.RemoveAll(n => n.Name == name && n.Group == group);

    /// <summary>
    /// Puts a message on the node with this name. As in Kratos, a field the form does not show yet
    /// (a password sent to the profile screen) gets a text input of its own to carry the message.
    /// </summary>
    public void AddMessageTo(string name, UiText message)
    {
        var node = Find(name);
        if (node is null)
        {
            node = UiNode.Input(name, UiNodeGroups.Default, "text");
            Nodes.Add(node);
        }
        node.Messages.Add(message);
    }

    /// <summary>Drops messages from an earlier submission before a new one is answered.</summary>
    public void ResetMessages()
    {
        Messages = null;
        foreach (var node in Nodes) node.Messages.Clear();
    }

    /// <summary>
    /// Sets the csrf_token node. Kratos puts it first on registration forms and after the other
    /// default-group inputs (the identifier) on login forms.
    /// </summary>
    public void SetCsrf(string token, bool first)
    {
        var node = Find("csrf_token");
        if (node is not null)
        {
            node.SetValue(token);
            return;
        }
        node = UiNode.Input("csrf_token", UiNodeGroups.Default, "hidden", token, required: true);
        var index = first ? 0 : Nodes.FindLastIndex(n => n.Group == UiNodeGroups.Default) + 1;
        Nodes.Insert(index, node);
    }

    public string ToJsonString() => JsonSerializer.Serialize(this, Json);

    public JsonNode ToJson() => JsonSerializer.SerializeToNode(this, Json)!;

    public static UiContainer Parse(string json) => JsonSerializer.Deserialize<UiContainer>(json, Json) ?? new UiContainer();
}
