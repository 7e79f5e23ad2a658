using System.Text.Json.Nodes;
using IdentityServer.Config;

namespace IdentityServer.SelfService.Flows.Verification;

/// <summary>
/// A way to prove access to an address (`selfservice.flows.verification.use`): a code to type in, or a
/// link to open. The verification flow does the rest: addresses, secrets, messages and state.
/// </summary>
public interface IVerificationStrategy
{
    /// <summary>`code` or `link`; also the node group and the `method` value the form submits.</summary>
    string Method { get; }

    bool IsEnabled(KratosConfig config);

    /// <summary>How long a secret sent by this method stays valid.</summary>
    TimeSpan Lifespan(KratosConfig config);

    /// <summary>The first form: the address to verify.</summary>
    void PopulateChooseMethod(KratosConfig config, UiContainer ui);

    /// <summary>The form once a message went out to <paramref name="address"/>, with its message.</summary>
    void PopulateSent(KratosConfig config, UiContainer ui, string address, string via);

    /// <summary>The courier template for a known address (valid) or an unknown one (invalid).</summary>
    string Template(bool knownAddress);

    /// <summary>Adds the secret to the template data: the link to open, and the code to type in.</summary>
    void AddSecret(JsonObject templateData, string link, string secret);
}
