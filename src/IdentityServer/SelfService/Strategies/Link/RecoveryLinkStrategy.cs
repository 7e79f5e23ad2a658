using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Recovery;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Strategies.Link;

/// <summary>Recovery by opening a link from an email, in any browser.</summary>
public sealed class RecoveryLinkStrategy : IRecoveryStrategy
{
    public string Method => OneTimeSecrets.Link;

    public string SessionMethod => "link_recovery";

    public bool IsEnabled(KratosConfig config) => config.SelfService.Methods.Link.Enabled;

    public TimeSpan Lifespan(KratosConfig config) => config.SelfService.Methods.Link.Config.Lifespan;

    public void PopulateChooseMethod(UiContainer ui)
    {
        ui.Upsert(AddressFlows.EmailInput(AddressFlows.LinkGroup));
        ui.Nodes.Add(AddressFlows.Submit("method", Method, AddressFlows.LinkGroup, Messages.NodeLabelContinue()));
    }

    public void PopulateSent(UiContainer ui, string address)
    {
        AddressFlows.ClearExceptCsrf(ui);
        ui.Nodes.Add(AddressFlows.EmailInput(AddressFlows.LinkGroup, value: address));
        ui.Nodes.Add(AddressFlows.Submit("method", Method, AddressFlows.LinkGroup, Messages.NodeLabelContinue()));
        ui.Messages = [Messages.RecoveryEmailSent()];
    }

    public string Template(bool knownAddress) => knownAddress ? "recovery_valid" : "recovery_invalid";

    public void AddSecret(JsonObject templateData, string link, string secret) => templateData["RecoveryURL"] = link;
}
