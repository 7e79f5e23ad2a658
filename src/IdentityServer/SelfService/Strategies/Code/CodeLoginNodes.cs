using System.Text.Json.Nodes;
using IdentityServer.Identities.Schemas;
using IdentityServer.SelfService.Flows;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Strategies.Code;

/// <summary>The form nodes of the code method in login and registration flows, as Kratos builds them.</summary>
public static class CodeLoginNodes
{
    public const string Method = "code";

    /// <param name="label">The identity schema's identifier label (see <see cref="Flows.Login.IdentifierLabel"/>).</param>
    public static UiNode Identifier(UiText label) =>
        UiNode.Input("identifier", UiNodeGroups.Default, "text", JsonValue.Create(""), required: true, label: label);

    public static UiNode SendLoginCode() =>
        UiNode.Input("method", UiNodeGroups.Code, "submit", JsonValue.Create(Method), label: Messages.LoginCode());

    public static UiNode SendRegistrationCode() =>
        UiNode.Input("method", UiNodeGroups.Code, "submit", JsonValue.Create(Method), label: Messages.RegistrationRegisterCode());

    /// <summary>One "Send code to ..." button per address of a second-factor login.</summary>
    public static UiNode AddressButton(CodeAddress address) =>
        UiNode.Input("address", UiNodeGroups.Code, "submit", JsonValue.Create(address.Address),
            label: Messages.LoginAal2CodeAddress(address.Channel, address.Address));

    /// <summary>
    /// The code entry step: the kept nodes, then a hidden method (so that pressing enter submits the
    /// code), the code input, continue and resend. The message says where the code went.
    /// </summary>
    public static void ShowCodeEntry(UiContainer ui, IEnumerable<UiNode> kept, UiText codeLabel, UiText message)
    {
        var nodes = kept.ToList();
        nodes.Add(UiNode.Input("method", UiNodeGroups.Code, "hidden", JsonValue.Create(Method)));
        nodes.Add(UiNode.Input("code", UiNodeGroups.Code, "text", required: true, autocomplete: "one-time-code", label: codeLabel));
        nodes.Add(UiNode.Input("method", UiNodeGroups.Code, "submit", JsonValue.Create(Method), label: Messages.NodeLabelContinue()));
        nodes.Add(UiNode.Input("resend", UiNodeGroups.Code, "submit", JsonValue.Create(Method), label: Messages.NodeLabelResendOtp()));
        ui.Nodes = nodes;
        ui.Messages = [message];
    }

    /// <summary>A copy of a node as a hidden input with the given name and value; the other attributes, label and group stay.</summary>
    public static UiNode Hidden(UiNode node, string name, JsonNode? value)
    {
        var attributes = (JsonObject)node.Attributes.DeepClone();
        attributes["name"] = name;
        attributes["type"] = "hidden";
        var hidden = new UiNode { Type = node.Type, Group = node.Group, Attributes = attributes, Meta = node.Meta, Messages = [.. node.Messages] };
        hidden.SetValue(value);
        return hidden;
    }

    public static UiNode Csrf(string token) =>
        UiNode.Input("csrf_token", UiNodeGroups.Default, "hidden", JsonValue.Create(token), required: true);
}
