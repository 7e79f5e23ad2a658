using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Identities;
using IdentityServer.Identities.Schemas;
using IdentityServer.Persistence;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Login;
using IdentityServer.Text;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Strategies.IdentifierFirst;

/// <summary>
/// Identifier-first login (`selfservice.flows.login.style: identifier_first`): the first screen asks only for
/// the identifier (`method=identifier_first`); the second keeps it as a hidden input and shows the methods
/// the account can use. Whether an unknown identifier is told apart follows
/// `security.account_enumeration.mitigate`, as in Kratos: without it the identifier is refused with 4000037;
/// with it every identifier reaches the second screen.
/// </summary>
public sealed class IdentifierFirstLogin(AppDbContext db, IdentitySchemaRegistry schemas)
{
    public const string Method = "identifier_first";

    public static bool IsEnabled(KratosConfig config) => config.SelfService.Flows.Login.Style == "identifier_first";

    /// <summary>Whether a submission is for this method; like Kratos, it only signs in at the first factor.</summary>
    public static bool Claims(KratosConfig config, FlowRecord flow, JsonObject body) =>
        IsEnabled(config) && flow.RequestedAal == "aal1" && FlowBody.String(body, "method") == Method;

    /// <summary>The first screen: the identifier input and the continue button.</summary>
    public async Task PopulateFirstScreenAsync(FlowRecord flow, UiContainer ui, CancellationToken ct)
    {
        var label = IdentifierLabel.For(await schemas.GetAsync(flow.IdentitySchemaId, ct));
        ui.Upsert(UiNode.Input("identifier", UiNodeGroups.IdentifierFirst, "text", JsonValue.Create(""), required: true,
            autocomplete: "username webauthn", label: label));
        ui.Upsert(UiNode.Input("method", UiNodeGroups.IdentifierFirst, "submit", JsonValue.Create(Method), label: Messages.NodeLabelContinue()));
    }

    /// <summary>
    /// Moves the flow to the second screen; the caller then shows the form (400 with the flow, or 303 to the UI).
    /// Throws the flow with its messages when the identifier is empty or, without mitigation, unknown.
    /// </summary>
    public async Task SubmitAsync(FlowSubmission submission, IReadOnlyList<ILoginStrategy> methods, CancellationToken ct)
    {
        var identifier = FlowBody.String(submission.Body, "identifier");
        var ui = submission.Ui;
        ui.Find("identifier")?.SetValue(JsonValue.Create(identifier ?? ""));
        if (identifier is { Length: 0 })
        {
            ui.AddMessageTo("identifier", Messages.ValidationMinLength(1, 0));
            throw submission.Fail();
        }

        var identity = await FindAsync(identifier ?? "", ct);
        var offered = false;
        foreach (var method in methods)
            offered |= await method.PopulateIdentifierFirstCredentialsAsync(submission.Flow, ui, identity, submission.Config, ct);
        if (!offered && !submission.Config.Security.AccountEnumeration.Mitigate)
        {
            ui.AddMessageTo("identifier", Messages.AccountNotFound());
            throw submission.Fail();
        }

        ui.Remove("method", UiNodeGroups.IdentifierFirst);
        if (ui.Find("identifier") is { } node)
        {
            node.Attributes["type"] = "hidden";
            node.Attributes["autocomplete"] = "username webauthn";
        }
        submission.Flow.Active = Method;
    }

    /// <summary>The identity any of whose credentials has this identifier, compared as the password method compares them.</summary>
    private async Task<Identity?> FindAsync(string identifier, CancellationToken ct)
    {
        var candidates = new[] { identifier.Trim(), IdentifierNormalizer.Graceful(identifier) }.Distinct().ToList();
        var credentialId = await db.IdentityCredentialIdentifiers
            .Where(i => candidates.Contains(i.Identifier))
            .Select(i => (Guid?)i.IdentityCredentialId).FirstOrDefaultAsync(ct);
        if (credentialId is null) return null;
        var identityId = await db.IdentityCredentials.Where(c => c.Id == credentialId).Select(c => c.IdentityId).SingleAsync(ct);
        return await IdentityManager.WithEverything(db.Identities).SingleOrDefaultAsync(i => i.Id == identityId, ct);
    }
}
