using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.Identities;
using IdentityServer.Identities.Schemas;
using IdentityServer.SelfService.Flows;
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
        var schema = await schemas.GetAsync(flow.IdentitySchemaId, ct);
        foreach (var trait in TraitsNodeBuilder.Build(schema, null))
            ui.Upsert(CodeRegistrationTraits.Node(trait));
        ui.Upsert(CodeLoginNodes.SendRegistrationCode());
    }

    public async Task<(Identity Identity, AuthenticationMethod Method)> RegisterAsync(FlowSubmission submission, CancellationToken ct)
    {
        var flow = submission.Flow;
        var body = submission.Body;
        var schemaId = flow.IdentitySchemaId ?? schemas.DefaultSchemaId;
        var inputs = TraitsNodeBuilder.Build(await schemas.GetAsync(schemaId, ct), null);
        var traits = body["traits"] switch
        {
            JsonObject o => o,
            null => null,
            _ => throw KratosError.BadRequest("The field `traits` must be an object."),
        };
        if (traits is not null && submission.Http.Request.HasFormContentType)
            CodeRegistrationTraits.CoerceFormValues(inputs, traits);
        var payload = LoginCodeMessages.TransientPayload(body);
        var resend = string.Equals(FlowBody.String(body, "resend"), "code", StringComparison.OrdinalIgnoreCase);
        var code = FlowBody.String(body, "code") ?? "";
        var sentBefore = flow.State == CodeLogin.SentState;
        // Clients may leave the traits out after the first step: the flow holds them.
        if (traits is null && sentBefore)
            traits = HeldTraits(submission.Ui);

        if (resend || !sentBefore)
        {
            if (flow.State is not ("choose_method" or CodeLogin.SentState))
                throw submission.Fail(Messages.RegistrationNoStrategyFound());
            await SendAsync(submission, schemaId, traits, payload, ct);
        }
        return await VerifyAsync(submission, schemaId, traits!, code, ct);
    }

    private async Task SendAsync(FlowSubmission submission, string schemaId, JsonObject? traits, JsonObject payload, CancellationToken ct)
    {
        var flow = submission.Flow;
        var ui = submission.Ui;
        if (traits is null)
            throw submission.Fail(Messages.ValidationRequired("traits"));
        foreach (var node in ui.Nodes.Where(CodeRegistrationTraits.IsTrait))
            node.SetValue(CodeRegistrationTraits.ValueAt(traits, node.Name!));
        var addresses = await CodeAddressesAsync(submission, schemaId, traits, ct);

        var issued = await codes.IssueAsync(flow.Id, null, addresses, ct);
        await messages.QueueRegistrationAsync(flow, traits, issued, payload, ct);

        flow.State = CodeLogin.SentState;
        flow.Active = Method;
        // The traits stay in the form, hidden, so that the code is submitted with the same ones.
        var kept = ui.Nodes
            .Where(n => n.Group == UiNodeGroups.Default && n.Attributes["type"]?.GetValue<string>() != "submit")
            .Select(n => n.Messages.Count == 0 ? CodeLoginNodes.Hidden(n, n.Name!, n.Attributes["value"]) : n)
            .ToList();
        CodeLoginNodes.ShowCodeEntry(ui, kept, Messages.NodeLabelRegistrationCode(), Messages.RegistrationEmailWithCodeSent());
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
        foreach (var node in ui.Nodes.Where(CodeRegistrationTraits.IsTrait))
        {
            if (!JsonNode.DeepEquals(node.Attributes["value"], CodeRegistrationTraits.ValueAt(traits, node.Name!)))
                throw submission.Fail(Messages.TraitsMismatch());
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
    private async Task<IReadOnlyList<CodeAddress>> CodeAddressesAsync(FlowSubmission submission, string schemaId, JsonObject traits, CancellationToken ct)
    {
        var check = await schemaChecks.CheckAsync(schemaId, traits, ct);
        if (check.Problems.Count > 0)
        {
            foreach (var problem in check.Problems)
                CodeRegistrationTraits.Attach(submission.Ui, problem.Pointer,
                    new UiText { Id = problem.MessageId, Text = problem.Text, Type = UiTextTypes.Error, Context = problem.Context });
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
        foreach (var node in ui.Nodes.Where(CodeRegistrationTraits.IsTrait))
        {
            if (node.Attributes["value"] is not { } value) continue;
            var path = node.Name![CodeRegistrationTraits.Prefix.Length..].Split('.');
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
}
