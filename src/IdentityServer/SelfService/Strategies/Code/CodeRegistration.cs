using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.Identities;
using IdentityServer.Identities.Schemas;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Registration;
using IdentityServer.SelfService.Strategies.Profile;
using IdentityServer.Sessions;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Strategies.Code;

/// <summary>
/// Sign up with a one-time code (`passwordless_enabled`). The traits are submitted and a code goes to
/// every address the schema marks with `credentials.code.identifier` (flow state `sent_email`, traits
/// kept as hidden inputs); the traits are submitted again with the code, and only then is the identity
/// created, with a `code` credential and the address the code went to already verified.
/// </summary>
public sealed class CodeRegistration(
    IdentityManager identities, IdentitySchemaRegistry schemas, IIdentitySchemas schemaChecks, LoginCodeStore codes,
    LoginCodeMessages messages, TimeProvider clock) : IRegistrationStrategy
{
    public string Method => CodeLoginNodes.Method;

    public bool IsEnabled(KratosConfig config)
    {
        var code = config.SelfService.Methods.Code;
        return code.PasswordlessEnabled;
    }

    public async Task PopulateAsync(FlowRecord flow, UiContainer ui, CancellationToken ct)
    {
        await RegistrationTraits.AddNodesAsync(schemas, flow, ui, ct);
        ui.Upsert(CodeLoginNodes.SendRegistrationCode());
    }

    /// <summary>Two-step registration: the profile screen has no code nodes, also when the user comes back from code entry.</summary>
    public Task PopulateProfileStepAsync(FlowRecord flow, UiContainer ui, CancellationToken ct)
    {
        RemoveCodeNodes(ui);
        return Task.CompletedTask;
    }

    /// <summary>The credential screen offers sending a code; the code entry of an earlier attempt goes away.</summary>
    public Task PopulateCredentialsStepAsync(FlowRecord flow, UiContainer ui, CancellationToken ct)
    {
        RemoveCodeNodes(ui);
        ui.Upsert(CodeLoginNodes.SendRegistrationCode());
        return Task.CompletedTask;
    }

    private static void RemoveCodeNodes(UiContainer ui)
    {
        ui.Nodes.RemoveAll(n => n.Group == UiNodeGroups.Code && n.Name is "method" or "code" or "resend");
        ui.Nodes.RemoveAll(n => n.Name == "screen" && n.Attributes["value"]?.GetValue<string>() == ProfileRegistration.ScreenCredentialSelection);
    }

    public async Task<(Identity Identity, AuthenticationMethod Method)> RegisterAsync(FlowSubmission submission, CancellationToken ct)
    {
        var flow = submission.Flow;
        var body = submission.Body;
        var schemaId = flow.IdentitySchemaId ?? schemas.DefaultSchemaId;
        var sentBefore = flow.State == CodeLogin.SentState;
        // The form holds the traits of the profile screen or of the code already sent; reading the submission
        // writes the submitted ones into it, so keep a copy.
        var held = HeldTraits(submission.Ui);
        var names = submission.Ui.Nodes.Where(IsTrait).Select(n => n.Name!).ToList();
        var traits = RegistrationTraits.Read(submission, await schemas.GetAsync(schemaId, ct));
        var payload = FlowBody.TransientPayload(body);
        var resend = string.Equals(FlowBody.String(body, "resend"), "code", StringComparison.OrdinalIgnoreCase);
        var code = FlowBody.String(body, "code") ?? "";
        if (body["traits"] is null)
        {
            // Clients may leave the traits out when the form already holds them.
            if (held.Count == 0)
                throw submission.Fail(Messages.ValidationRequired("traits"));
            traits = held.DeepClone();
            RegistrationTraits.SetValues(submission.Ui, held);
        }

        if (resend || !sentBefore)
        {
            if (flow.State is not ("choose_method" or CodeLogin.SentState))
                throw submission.Fail(Messages.RegistrationNoStrategyFound());
            await SendAsync(submission, schemaId, traits, payload, ct);
        }
        if (names.Any(name => !JsonNode.DeepEquals(ValueAt(held, name), traits is JsonObject t ? ValueAt(t, name) : null)))
        {
            // The code was sent for the traits the flow holds: other traits need a new code.
            RegistrationTraits.SetValues(submission.Ui, held);
            throw submission.Fail(Messages.TraitsMismatch());
        }
        return await VerifyAsync(submission, schemaId, (JsonObject)traits, code, ct);
    }

    private async Task SendAsync(FlowSubmission submission, string schemaId, JsonNode traits, JsonObject payload, CancellationToken ct)
    {
        var flow = submission.Flow;
        var ui = submission.Ui;
        var addresses = await CodeAddressesAsync(submission, schemaId, traits, ct);

        var issued = await codes.IssueAsync(flow.Id, null, addresses, ct);
        await messages.QueueRegistrationAsync(flow, (JsonObject)traits, issued, payload, ct);

        flow.State = CodeLogin.SentState;
        flow.Active = Method;
        // The traits stay in the form, hidden, so that the code is submitted with the same ones.
        var kept = ui.Nodes
            .Where(n => n.Group == UiNodeGroups.Default && n.Attributes["type"]?.GetValue<string>() != "submit")
            .Select(n => n.Messages.Count == 0 ? CodeLoginNodes.Hidden(n, n.Name!, n.Attributes["value"]) : n)
            .ToList();
        CodeLoginNodes.ShowCodeEntry(ui, kept, Messages.NodeLabelRegistrationCode(), Messages.RegistrationEmailWithCodeSent());
        // Two-step registration leads back to the credential screen.
        if (ProfileRegistration.IsTwoStep(submission.Config))
            ui.Nodes.Add(UiNode.Input("screen", UiNodeGroups.Profile, "submit", JsonValue.Create(ProfileRegistration.ScreenCredentialSelection),
                label: Messages.RegistrationBack()));
        throw submission.NextStep();
    }

    private async Task<(Identity, AuthenticationMethod)> VerifyAsync(FlowSubmission submission, string schemaId, JsonObject traits,
        string code, CancellationToken ct)
    {
        var flow = submission.Flow;
        var ui = submission.Ui;
        if (code.Length == 0)
        {
            if (ui.Find("code") is not { } input)
                throw submission.Fail(Messages.ValidationRequired("code"));
            input.Messages.Add(Messages.ValidationRequired("code"));
            throw submission.Fail();
        }
        var addresses = await CodeAddressesAsync(submission, schemaId, traits, ct);

        var (result, used) = await codes.UseAsync(flow.Id, null, addresses.Select(a => a.Address).ToList(), code, ct);
        if (result != LoginCodeCheck.Valid || used is null)
            throw submission.Fail(CodeLogin.FailureMessage(result, Messages.RegistrationCodeInvalidOrAlreadyUsed()));

        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            var identity = await identities.CreateAsync(new IdentityDraft
            {
                SchemaId = schemaId,
                Traits = traits,
                // The code reached this address, which proves it.
                VerifiableAddresses = [new ImportedVerifiableAddress(used.Address, used.Channel, true, "completed", now)],
            }, ct);
            return (identity, new AuthenticationMethod(Method, "aal1", now));
        }
        catch (KratosError e) when (e.Code == 409)
        {
            throw submission.Fail(Messages.DuplicateCredentials());
        }
    }

    /// <summary>Checks the traits against the schema; the addresses the schema marks for codes.</summary>
    private async Task<IReadOnlyList<CodeAddress>> CodeAddressesAsync(FlowSubmission submission, string schemaId, JsonNode traits, CancellationToken ct)
    {
        var check = await schemaChecks.CheckAsync(schemaId, traits, ct);
        if (check.Problems.Count > 0)
        {
            RegistrationTraits.ShowProblems(submission.Ui, check.Problems);
            throw submission.Fail();
        }
        var addresses = check.Derived.CodeAddresses.Select(a => new CodeAddress(a.Channel, a.Address)).ToList();
        if (addresses.Count == 0)
            throw submission.Fail(Messages.IdentifierMissing());
        return addresses;
    }

    /// <summary>The traits the code entry form holds in its hidden inputs.</summary>
    private static JsonObject HeldTraits(UiContainer ui)
    {
        var traits = new JsonObject();
        foreach (var node in ui.Nodes.Where(IsTrait))
        {
            if (node.Attributes["value"] is not { } value) continue;
            var path = node.Name!["traits.".Length..].Split('.');
            var holder = traits;
            foreach (var segment in path[..^1])
            {
                if (holder[segment] is not JsonObject next)
                    holder[segment] = next = new JsonObject();
                holder = next;
            }
            holder[path[^1]] = value.DeepClone();
        }
        return traits;
    }

    private static JsonNode? ValueAt(JsonObject traits, string name)
    {
        JsonNode? current = traits;
        foreach (var segment in name["traits.".Length..].Split('.')) current = current is JsonObject o ? o[segment] : null;
        return current;
    }

    private static bool IsTrait(UiNode node) => node.Group == UiNodeGroups.Default && node.Name?.StartsWith("traits.", StringComparison.Ordinal) == true;
}
