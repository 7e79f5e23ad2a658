using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Recovery;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Strategies.Code;

/// <summary>Recovery by a six-digit code typed into the recovery form.</summary>
public sealed class RecoveryCodeStrategy : IRecoveryStrategy
{
    public string Method => OneTimeSecrets.Code;

    public string SessionMethod => "code_recovery";

    public bool IsEnabled(KratosConfig config) => config.SelfService.Methods.Code.Enabled;

    public TimeSpan Lifespan(KratosConfig config) => config.SelfService.Methods.Code.Config.Lifespan;

    public void PopulateChooseMethod(UiContainer ui)
    {
        ui.Upsert(AddressFlows.EmailInput(UiNodeGroups.Code));
        ui.Nodes.Add(AddressFlows.Submit("method", Method, UiNodeGroups.Code, Messages.NodeLabelContinue()));
    }

    public void PopulateSent(UiContainer ui, string address)
    {
        AddressFlows.ClearExceptCsrf(ui);
        ui.Nodes.AddRange(CodeForm());
        ui.Nodes.Add(AddressFlows.Submit("email", address, UiNodeGroups.Code, Messages.NodeLabelResendOtp()));
        ui.Messages = [Messages.RecoveryEmailWithCodeSent()];
    }

    /// <summary>The code input and its buttons; also the whole form of a code an administrator created.</summary>
    public IEnumerable<UiNode> CodeForm() =>
    [
        AddressFlows.CodeInput(Messages.NodeLabelRecoveryCode(), strict: true),
        AddressFlows.Hidden("method", Method, UiNodeGroups.Code),
        AddressFlows.Submit("method", Method, UiNodeGroups.Code, Messages.NodeLabelContinue()),
    ];

    public string Template(bool knownAddress) => knownAddress ? "recovery_code_valid" : "recovery_code_invalid";

    public void AddSecret(JsonObject templateData, string link, string secret) => templateData["RecoveryCode"] = secret;
}
