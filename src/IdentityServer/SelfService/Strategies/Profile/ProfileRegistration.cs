using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Identities;
using IdentityServer.Identities.Schemas;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Registration;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Strategies.Profile;

/// <summary>
/// Two-step registration (`selfservice.flows.registration.style: profile_first`, Kratos's default): the
/// profile screen asks for the traits (`method=profile`); once they are valid, the credential screen keeps
/// them as hidden inputs and offers the sign-up methods, with `screen=previous` leading back. Neither
/// screen creates anything: the identity is made by the method submitted on the credential screen.
/// </summary>
public sealed class ProfileRegistration(IdentitySchemaRegistry schemas, IIdentitySchemas schemaChecks)
{
    public const string Method = "profile";
    public const string ScreenCredentialSelection = "credential-selection";
    public const string ScreenPrevious = "previous";

    /// <summary>Kratos's old name for going back, still accepted.</summary>
    private const string LegacyBack = "profile:back";

    /// <summary>`enable_legacy_one_step: true` or `style: unified` keep the one-step form.</summary>
    public static bool IsTwoStep(KratosConfig config) =>
        !config.SelfService.Flows.Registration.EnableLegacyOneStep && config.SelfService.Flows.Registration.Style == "profile_first";

    /// <summary>Whether a submission is for this method: `method=profile`, or any `screen` navigation.</summary>
    public static bool Claims(KratosConfig config, JsonObject body) =>
        IsTwoStep(config) && (FlowBody.String(body, "method") is Method or LegacyBack || !string.IsNullOrEmpty(FlowBody.String(body, "screen")));

    /// <summary>The profile screen: trait inputs and the `method=profile` button; the methods take their inputs away.</summary>
    public async Task PopulateProfileScreenAsync(FlowRecord flow, UiContainer ui, IReadOnlyList<IRegistrationStrategy> methods,
        JsonObject? traits, CancellationToken ct)
    {
        ui.Remove("screen", UiNodeGroups.Profile);
        await RegistrationTraits.AddNodesAsync(schemas, flow, ui, ct);
        if (traits is not null) RegistrationTraits.SetValues(ui, traits);
        ui.Upsert(SubmitNode());
        foreach (var method in methods)
            await method.PopulateProfileStepAsync(flow, ui, ct);
        NodeOrder.SortRegistration(ui, (await schemas.GetAsync(flow.IdentitySchemaId, ct)).Document);
    }

    /// <summary>Handles a profile submission; the caller then shows the flow's form (400 with the flow, or 303 to the UI).</summary>
    public async Task SubmitAsync(FlowSubmission submission, IReadOnlyList<IRegistrationStrategy> methods, CancellationToken ct)
    {
        var body = submission.Body;
        var screen = FlowBody.String(body, "screen");
        if (!string.IsNullOrEmpty(screen) && screen is not (ScreenCredentialSelection or ScreenPrevious))
        {
            submission.Ui.AddMessageTo("screen", Messages.ValidationGeneric($"value must be one of \"{ScreenCredentialSelection}\", \"{ScreenPrevious}\""));
            throw submission.Fail();
        }

        var schemaId = submission.Flow.IdentitySchemaId ?? schemas.DefaultSchemaId;
        var back = screen == ScreenPrevious || (string.IsNullOrEmpty(screen) && FlowBody.String(body, "method") == LegacyBack);
        // Going back checks only traits that were sent; moving on needs a complete, valid profile.
        var sent = body["traits"] is not null;
        var traits = RegistrationTraits.Read(submission, await schemas.GetAsync(schemaId, ct));
        if (!back || sent)
        {
            var check = await schemaChecks.CheckAsync(schemaId, traits, ct);
            if (check.Problems.Count > 0)
            {
                RegistrationTraits.ShowProblems(submission.Ui, check.Problems);
                throw submission.Fail();
            }
        }

        var values = traits as JsonObject ?? new JsonObject();
        if (back)
        {
            submission.Flow.OrganizationId = null;
            await PopulateProfileScreenAsync(submission.Flow, submission.Ui, methods, values, ct);
        }
        else
        {
            submission.Flow.Active = null;
            submission.Flow.State = "choose_method";
            await PopulateCredentialScreenAsync(submission.Flow, submission.Ui, methods, values, ct);
        }
    }

    /// <summary>The credential screen: the traits stay as hidden inputs, each method adds its own, `screen=previous` goes back.</summary>
    private async Task PopulateCredentialScreenAsync(FlowRecord flow, UiContainer ui, IReadOnlyList<IRegistrationStrategy> methods,
        JsonObject traits, CancellationToken ct)
    {
        ui.Remove("method", UiNodeGroups.Profile);
        foreach (var method in methods)
            await method.PopulateCredentialsStepAsync(flow, ui, ct);
        foreach (var node in ui.Nodes.Where(n => n.Group == UiNodeGroups.Default && n.Type == "input"))
            node.Attributes["type"] = "hidden";
        RegistrationTraits.SetValues(ui, traits);
        ui.Upsert(PreviousScreenNode());
        ui.AddMessage(Messages.RegistrationChooseCredentials());
        NodeOrder.SortRegistration(ui, (await schemas.GetAsync(flow.IdentitySchemaId, ct)).Document);
    }

    private static UiNode SubmitNode() =>
        UiNode.Input("method", UiNodeGroups.Profile, "submit", JsonValue.Create(Method), label: Messages.Registration());

    private static UiNode PreviousScreenNode() =>
        UiNode.Input("screen", UiNodeGroups.Profile, "submit", JsonValue.Create(ScreenPrevious), label: Messages.RegistrationBack());
}
