using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Verification;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Strategies.Link;

/// <summary>Verification by opening a link; it works in any browser, not only the one that asked for it.</summary>
public sealed class VerificationLinkStrategy : IVerificationStrategy
{
    public string Method => OneTimeSecrets.Link;

    public bool IsEnabled(KratosConfig config) => config.SelfService.Methods.Link.Enabled;

    public TimeSpan Lifespan(KratosConfig config) => config.SelfService.Methods.Link.Config.Lifespan;

    public void PopulateChooseMethod(KratosConfig config, UiContainer ui)
    {
        ui.Upsert(AddressFlows.EmailInput(AddressFlows.LinkGroup));
        ui.Nodes.Add(AddressFlows.Submit("method", Method, AddressFlows.LinkGroup, Messages.NodeLabelContinue()));
    }

    public void PopulateSent(KratosConfig config, UiContainer ui, string address, string via)
    {
        AddressFlows.ClearExceptCsrf(ui);
        ui.Nodes.Add(AddressFlows.EmailInput(AddressFlows.LinkGroup, value: address));
        ui.Nodes.Add(AddressFlows.Submit("method", Method, AddressFlows.LinkGroup, Messages.NodeLabelContinue()));
        ui.Messages = [Messages.VerificationEmailSent()];
    }

    public string Template(bool knownAddress) => knownAddress ? "verification_valid" : "verification_invalid";

    public void AddSecret(JsonObject templateData, string link, string secret) => templateData["VerificationURL"] = link;
}
