using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Identities.Schemas;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Flows;

/// <summary>
/// What the verification and recovery flows share: their states, the nodes their methods use, and how
/// a submitted address or a replaced flow is answered.
/// </summary>
public static class AddressFlows
{
    public const string ChooseMethod = "choose_method";
    public const string SentEmail = "sent_email";
    public const string PassedChallenge = "passed_challenge";

    /// <summary>The node group of the link method's nodes.</summary>
    public const string LinkGroup = "link";

    /// <summary>The field that carries a method's secret: `code` for codes, `token` for links.</summary>
    public static string SecretField(string method) => method == OneTimeSecrets.Code ? "code" : "token";

    /// <summary>The delivery channel an address is written for: anything with an @ is email, the rest sms.</summary>
    public static string ChannelOf(string address) => address.Contains('@') ? "email" : "sms";

    /// <summary>The address in the form it is stored in, or null when it cannot be an address of its channel.</summary>
    public static string? Normalize(string raw, out string via)
    {
        via = ChannelOf(raw);
        return IdentifierNormalizer.TryNormalizeFor(via, raw, out var normalized) ? normalized : null;
    }

    /// <summary>`selfservice.methods.link.config.base_url`, else the public base URL.</summary>
    public static Uri LinkBase(KratosConfig config, HttpContext http) =>
        Uri.TryCreate(config.SelfService.Methods.Link.Config.BaseUrl, UriKind.Absolute, out var configured)
            ? configured
            : PublicUrls.BaseUrl(config, http);

    /// <summary>The link a message carries: the flow's submit URL with the flow id and the secret.</summary>
    public static string Link(KratosConfig config, HttpContext http, string kind, Guid flowId, string method, string secret) =>
        PublicUrls.WithQuery(
            PublicUrls.WithQuery(PublicUrls.Combine(LinkBase(config, http), $"/self-service/{kind}"), "flow", flowId.ToString()),
            SecretField(method), secret);

    public static UiText InvalidAddress(string via, string raw) =>
        via == "sms" ? Messages.ValidationPhone(raw) : Messages.ValidationEmail(raw);

    /// <summary>The query of a link (`?flow=..&amp;token=..`) as a submission body.</summary>
    public static JsonObject QueryBody(IQueryCollection query)
    {
        var body = new JsonObject();
        foreach (var (key, values) in query)
            body[key] = values.Count > 0 ? values[^1] : "";
        return body;
    }


    public static UiNode EmailInput(string group, string type = "email", string? value = null, UiText? label = null) =>
        UiNode.Input("email", group, type, value is null ? null : JsonValue.Create(value), required: true, label: label ?? Messages.NodeLabelEmail());

    public static UiNode Submit(string name, string value, string group, UiText label) =>
        UiNode.Input(name, group, "submit", JsonValue.Create(value), label: label);

    public static UiNode Hidden(string name, string value, string group) =>
        UiNode.Input(name, group, "hidden", JsonValue.Create(value));

    /// <summary>A one-time code input; recovery forms also state its pattern and length.</summary>
    public static UiNode CodeInput(UiText label, bool strict)
    {
        var node = UiNode.Input("code", UiNodeGroups.Code, "text", required: true, autocomplete: "one-time-code",
            pattern: strict ? "[0-9]+" : null, label: label);
        if (strict)
        {
            // Kratos's attribute order: ..., disabled, maxlength, node_type.
            node.Attributes.Remove("node_type");
            node.Attributes["maxlength"] = OneTimeSecrets.CodeLength;
            node.Attributes["node_type"] = "input";
        }
        return node;
    }

    public static UiNode Anchor(string id, string href, string group, UiText title) => new()
    {
        Type = "a",
        Group = group,
        Attributes = new JsonObject
        {
            ["href"] = href,
            ["title"] = System.Text.Json.JsonSerializer.SerializeToNode(title),
            ["id"] = id,
            ["node_type"] = "a",
        },
        Meta = new UiNodeMeta { Label = title },
    };

    /// <summary>Keeps the CSRF node (the first node of these forms) and drops the rest.</summary>
    public static void ClearExceptCsrf(UiContainer ui) => ui.Nodes.RemoveAll(n => n.Name != CsrfTokens.FieldName);

    /// <summary>Puts a message on the named node, or on the form when there is no such node.</summary>
    public static void AddTo(UiContainer ui, string node, UiText message)
    {
        var target = ui.Find(node);
        if (target is null) ui.AddMessage(message);
        else target.Messages.Add(message);
    }

    /// <summary>`self_service_flow_replaced`: the flow cannot continue; <paramref name="newFlowId"/> carries the message.</summary>
    public static FlowError Replaced(Guid newFlowId, string reason) =>
        new(410, "self-service flow replaced", "self_service_flow_replaced", reason, null,
            new JsonObject { ["use_flow_id"] = newFlowId.ToString() });

    /// <summary>The flow itself: 303 back to its UI for browsers posting forms, else the flow as JSON with this status.</summary>
    public static Task AnswerWithFlowAsync(HttpContext http, FlowResponder responder, FlowRecord flow, int status = 200) =>
        FlowResponder.Redirects(http, flow)
            ? FlowResponder.RedirectAsync(http, responder.FlowUiUrl(flow))
            : FlowResponder.JsonAsync(http, status, FlowJson.Render(flow));
}
