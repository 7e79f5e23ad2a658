using System.Text.Json.Nodes;
using IdentityServer.Config;

namespace IdentityServer.SelfService.Flows.Recovery;

/// <summary>
/// A way to regain access (`selfservice.flows.recovery.use`): a code to type in, or a link to open.
/// The recovery flow does the rest: addresses, secrets, messages, the session and the settings flow.
/// </summary>
public interface IRecoveryStrategy
{
    /// <summary>`code` or `link`; also the node group and the `method` value the form submits.</summary>
    string Method { get; }

    /// <summary>The authentication method recorded on the session it issues (code_recovery, link_recovery).</summary>
    string SessionMethod { get; }

    bool IsEnabled(KratosConfig config);

    TimeSpan Lifespan(KratosConfig config);

    /// <summary>The first form: the address to recover.</summary>
    void PopulateChooseMethod(UiContainer ui);

    /// <summary>The form once a message went out to <paramref name="address"/>, with its message.</summary>
    void PopulateSent(UiContainer ui, string address);

    /// <summary>The courier template for a known address (valid) or an unknown one (invalid).</summary>
    string Template(bool knownAddress);

    /// <summary>Adds the secret to the template data.</summary>
    void AddSecret(JsonObject templateData, string link, string secret);
}
