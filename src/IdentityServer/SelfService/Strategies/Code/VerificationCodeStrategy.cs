using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Verification;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Strategies.Code;

/// <summary>Verification by a six-digit code; the message also carries a link that fills the code in.</summary>
public sealed class VerificationCodeStrategy : IVerificationStrategy
{
    public string Method => OneTimeSecrets.Code;

    public bool IsEnabled(KratosConfig config) => config.SelfService.Methods.Code.Enabled;

    public TimeSpan Lifespan(KratosConfig config) => config.SelfService.Methods.Code.Config.Lifespan;

    public void PopulateChooseMethod(KratosConfig config, UiContainer ui)
    {
        // With an sms channel the address may be a phone number.
        var sms = config.Courier.Channels.Any(c => c.Id == "sms");
        ui.Upsert(AddressFlows.EmailInput(UiNodeGroups.Code, sms ? "text" : "email",
            label: sms ? Messages.NodeLabelEmailOrPhone() : Messages.NodeLabelEmail()));
        ui.Nodes.Add(AddressFlows.Submit("method", Method, UiNodeGroups.Code, Messages.NodeLabelContinue()));
    }

    public void PopulateSent(KratosConfig config, UiContainer ui, string address, string via)
    {
        AddressFlows.ClearExceptCsrf(ui);
        ui.Nodes.Add(AddressFlows.Hidden("method", Method, UiNodeGroups.Code));
        ui.Nodes.Add(AddressFlows.CodeInput(Messages.NodeLabelVerificationCode(), strict: false));
        ui.Nodes.Add(AddressFlows.Submit("method", Method, UiNodeGroups.Code, Messages.NodeLabelContinue()));
        ui.Nodes.Add(AddressFlows.Submit("email", address, UiNodeGroups.Code, Messages.NodeLabelResendOtp()));
        ui.Messages = [Messages.VerificationCodeSent(via)];
    }

    public string Template(bool knownAddress) => knownAddress ? "verification_code_valid" : "verification_code_invalid";

    public void AddSecret(JsonObject templateData, string link, string secret)
    {
        templateData["VerificationURL"] = link;
        templateData["VerificationCode"] = secret;
    }
}
