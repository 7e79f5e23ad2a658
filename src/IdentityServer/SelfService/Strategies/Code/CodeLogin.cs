using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.Identities;
using IdentityServer.Identities.Schemas;
using IdentityServer.Persistence;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Login;
using IdentityServer.Sessions;
using IdentityServer.Text;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Strategies.Code;

/// <summary>
/// Sign in with a one-time code (`selfservice.methods.code`). Two steps on one flow: the identifier
/// (or, for a second factor, one of the session identity's addresses) is submitted and a code is
/// sent, leaving the flow in state `sent_email`; then the code is submitted and the flow finishes.
/// With `passwordless_enabled` the code is a first factor (aal1); with `mfa_enabled` it is offered to
/// aal2 flows of a signed-in identity and completes aal2.
/// </summary>
public sealed class CodeLogin(
    AppDbContext db, ConfigStore configStore, LoginCodeStore codes, LoginCodeMessages messages, ISessionService sessions,
    IdentitySchemaRegistry schemas, IHttpContextAccessor httpAccessor, TimeProvider clock) : ILoginStrategy
{
    public const string SentState = "sent_email";

    public string Method => CodeLoginNodes.Method;

    public bool IsEnabled(KratosConfig config)
    {
        var code = config.SelfService.Methods.Code;
        // passwordless_enabled switches the method on even when `enabled` says otherwise, as in Kratos.
        return (code.Enabled || code.PasswordlessEnabled) && (code.PasswordlessEnabled || code.MfaEnabled);
    }

    /// <summary>The second-factor buttons post `address` without `method`.</summary>
    public bool Accepts(string? method, JsonObject body) =>
        method == Method || (string.IsNullOrEmpty(method) && body["address"] is JsonValue);

    private static bool Responsible(CodeMethodOptions code, FlowRecord flow) =>
        flow.RequestedAal == "aal2" ? code.MfaEnabled : code.PasswordlessEnabled;

    public async Task PopulateAsync(FlowRecord flow, UiContainer ui, CancellationToken ct)
    {
        var code = configStore.Current.SelfService.Methods.Code;
        if (!Responsible(code, flow))
            return;
        if (flow.RequestedAal != "aal2")
        {
            ui.Upsert(CodeLoginNodes.Identifier(IdentifierLabel.For(await schemas.GetAsync(flow.IdentitySchemaId, ct))));
            ui.Upsert(CodeLoginNodes.SendLoginCode());
            return;
        }

        var http = httpAccessor.HttpContext ?? throw new InvalidOperationException("A second-factor login form needs the request.");
        var session = await sessions.CurrentAsync(http, ct);
        if (session is null || await FindIdentityAsync(session.IdentityId, ct) is not { } identity)
            return;
        foreach (var address in AddressesFor(identity, http.Request.Query["via"].ToString()))
            ui.Nodes.Add(CodeLoginNodes.AddressButton(address));
    }

    /// <summary>A refresh: the signed-in identity's code address is prefilled as a hidden input, as the password method does.</summary>
    public Task PopulateRefreshAsync(FlowRecord flow, UiContainer ui, Identity identity, CancellationToken ct)
    {
        if (!configStore.Current.SelfService.Methods.Code.PasswordlessEnabled || CodeAddressesOf(identity).FirstOrDefault() is not { } address)
            return Task.CompletedTask;
        ui.Upsert(UiNode.Input("identifier", UiNodeGroups.Default, "hidden", JsonValue.Create(address.Address)));
        ui.Upsert(CodeLoginNodes.SendLoginCode());
        return Task.CompletedTask;
    }

    /// <summary>The second screen of identifier-first login: offered to accounts with code addresses (to every account with enumeration mitigation).</summary>
    public Task<bool> PopulateIdentifierFirstCredentialsAsync(FlowRecord flow, UiContainer ui, Identity? identity, KratosConfig config,
        CancellationToken ct)
    {
        if (!config.SelfService.Methods.Code.PasswordlessEnabled)
            return Task.FromResult(false);
        var offered = identity is not null && CodeAddressesOf(identity).Count > 0;
        if (offered || config.Security.AccountEnumeration.Mitigate)
            ui.Upsert(CodeLoginNodes.SendLoginCode());
        return Task.FromResult(offered);
    }

    public async Task<LoginOutcome> LoginAsync(FlowSubmission submission, CancellationToken ct)
    {
        var flow = submission.Flow;
        var config = submission.Config.SelfService.Methods.Code;
        if (!Responsible(config, flow))
            throw submission.Fail(Messages.MissingOrInvalidMethod());

        var body = submission.Body;
        // Address buttons without `method` belong to second-factor forms only.
        if (string.IsNullOrEmpty(FlowBody.String(body, "method")) && flow.RequestedAal != "aal2")
            throw submission.Fail(Messages.MissingOrInvalidMethod());
        var payload = FlowBody.TransientPayload(body);
        var identifier = FlowBody.String(body, "identifier") ?? "";
        var address = FlowBody.String(body, "address") ?? "";
        var resend = string.Equals(FlowBody.String(body, "resend"), "code", StringComparison.OrdinalIgnoreCase);
        var code = FlowBody.String(body, "code") ?? "";
        var current = await sessions.CurrentAsync(submission.Http, ct);
        var sentBefore = flow.State == SentState;
        // Resending starts over from the identifier the flow already holds.
        var state = resend ? "choose_method" : flow.State;

        if (state == "choose_method")
        {
            var target = FirstNonEmpty(identifier, address, sentBefore ? HeldIdentifier(submission.Ui) : "");
            await SendAsync(submission, current, NormalizeEmail(target), payload, ct);
        }
        if (state != SentState)
            throw submission.Fail(Messages.MissingOrInvalidMethod());
        return await VerifyAsync(submission, current, NormalizeEmail(FirstNonEmpty(address, identifier, HeldIdentifier(submission.Ui))), code, ct);
    }

    private async Task SendAsync(FlowSubmission submission, CurrentSession? current, string identifier, JsonObject payload, CancellationToken ct)
    {
        var flow = submission.Flow;
        submission.Ui.Find("identifier", UiNodeGroups.Default)?.SetValue(JsonValue.Create(identifier));
        if (identifier.Length == 0)
            throw Fail(submission, "identifier", Messages.ValidationRequired("identifier"));

        Identity identity;
        List<CodeAddress> targets;
        if (flow.RequestedAal == "aal2")
        {
            // A second factor: only addresses of the signed-in identity can receive a code.
            identity = await SessionIdentityAsync(submission, current, ct);
            var match = CodeAddressesOf(identity).FirstOrDefault(a => a.Address == IdentifierNormalizer.Graceful(identifier))
                ?? throw submission.Fail(Messages.NoCodeUser());
            targets = [match];
        }
        else
        {
            identity = await FindByIdentifierAsync(identifier, ct) ?? throw submission.Fail(Messages.NoCodeUser());
            if (flow.Refresh && current is not null && current.IdentityId != identity.Id)
                throw submission.Fail(Messages.NoCodeUser());
            var addresses = CodeAddressesOf(identity);
            var match = addresses.FirstOrDefault(a => a.Address == IdentifierNormalizer.Graceful(identifier));
            targets = match is not null ? [match] : addresses;
            if (targets.Count == 0)
                throw submission.Fail(Messages.NoCodeUser());
        }

        var issued = await codes.IssueAsync(flow.Id, identity.Id, targets, ct);
        await messages.QueueLoginAsync(flow, identity, issued, payload, ct);

        flow.State = SentState;
        flow.Active = Method;
        var kept = submission.Ui.Nodes
            .Where(n => n.Name == "identifier" || (n.Name == "address" && n.Attributes["value"]?.GetValue<string>() == targets[0].Address))
            .Take(1)
            .Select(n => CodeLoginNodes.Hidden(n, "identifier", JsonValue.Create(n.Name == "address" ? targets[0].Address : identifier)))
            .ToList();
        if (kept.Count == 0)
            kept.Add(CodeLoginNodes.Hidden(CodeLoginNodes.Identifier(Messages.NodeLabelId()), "identifier", JsonValue.Create(identifier)));
        var forSignedIn = flow.Refresh || flow.RequestedAal == "aal2";
        CodeLoginNodes.ShowCodeEntry(submission.Ui, kept, Messages.NodeLabelLoginCode(),
            forSignedIn ? Messages.LoginCodeSentForAuthenticatedUser() : Messages.LoginCodeSent());
        if (flow.Type == FlowTypes.Browser)
            submission.Ui.Nodes.Add(CodeLoginNodes.Csrf(flow.CsrfToken));
        throw submission.NextStep();
    }

    private async Task<LoginOutcome> VerifyAsync(FlowSubmission submission, CurrentSession? current, string identifier, string code, CancellationToken ct)
    {
        var flow = submission.Flow;
        if (code.Length == 0)
            throw Fail(submission, "code", Messages.ValidationRequired("code"));

        Identity identity;
        if (flow.RequestedAal == "aal2")
            identity = await SessionIdentityAsync(submission, current, ct);
        else
        {
            if (identifier.Length == 0)
                throw Fail(submission, "identifier", Messages.ValidationRequired("identifier"));
            identity = await FindByIdentifierAsync(identifier, ct) ?? throw submission.Fail(Messages.NoCodeUser());
            if (flow.Refresh && current is not null && current.IdentityId != identity.Id)
                throw submission.Fail(Messages.NoCodeUser());
        }

        var (result, used) = await codes.UseAsync(flow.Id, identity.Id, null, code, ct);
        if (result != LoginCodeCheck.Valid || used is null)
            throw submission.Fail(FailureMessage(result, Messages.LoginCodeInvalidOrAlreadyUsed()));

        // The code reached the address, which proves it.
        var now = clock.GetUtcNow().UtcDateTime;
        var address = identity.VerifiableAddresses.FirstOrDefault(a => !a.Verified && a.Via == used.Channel && a.Value == used.Address);
        if (address is not null)
        {
            address.Verified = true;
            address.Status = "completed";
            address.VerifiedAt = now;
            address.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
        }
        var aal = submission.Config.SelfService.Methods.Code.MfaEnabled ? "aal2" : "aal1";
        return new LoginOutcome(identity, new AuthenticationMethod(Method, aal, now));
    }

    /// <summary>The message for a code that was not accepted; shared with registration.</summary>
    public static UiText FailureMessage(LoginCodeCheck result, UiText invalid) => result switch
    {
        LoginCodeCheck.TooManyAttempts => Messages.ValidationGeneric("The request was submitted too often. Please request another code."),
        _ => invalid,
    };

    private async Task<Identity> SessionIdentityAsync(FlowSubmission submission, CurrentSession? current, CancellationToken ct) =>
        current is not null && await FindIdentityAsync(current.IdentityId, ct) is { } identity
            ? identity
            : throw FlowErrors.Aal1Required();

    private Task<Identity?> FindIdentityAsync(Guid id, CancellationToken ct) =>
        IdentityManager.WithEverything(db.Identities).SingleOrDefaultAsync(i => i.Id == id, ct);

    private async Task<Identity?> FindByIdentifierAsync(string identifier, CancellationToken ct)
    {
        var candidates = new[] { identifier.Trim(), IdentifierNormalizer.Graceful(identifier) }.Distinct().ToList();
        var credentialId = await db.IdentityCredentialIdentifiers
            .Where(i => i.CredentialType == Method && candidates.Contains(i.Identifier))
            .Select(i => (Guid?)i.IdentityCredentialId).FirstOrDefaultAsync(ct);
        if (credentialId is null) return null;
        var identityId = await db.IdentityCredentials.Where(c => c.Id == credentialId).Select(c => c.IdentityId).SingleAsync(ct);
        return await FindIdentityAsync(identityId, ct);
    }

    /// <summary>The addresses of the identity's code credential (`{"addresses":[{"channel","address"}]}`).</summary>
    public static List<CodeAddress> CodeAddressesOf(Identity identity)
    {
        var credential = identity.Credentials.FirstOrDefault(c => c.Type == CodeLoginNodes.Method);
        if (credential is null || JsonNode.Parse(credential.Config)?["addresses"] is not JsonArray addresses)
            return [];
        return addresses
            .Select(a => (Channel: a?["channel"]?.GetValue<string>(), Address: a?["address"]?.GetValue<string>()))
            .Where(a => !string.IsNullOrEmpty(a.Address) && a.Channel is AddressChannels.Email or AddressChannels.Sms)
            .Select(a => new CodeAddress(a.Channel!, a.Address!))
            .ToList();
    }

    /// <summary>The second-factor addresses, narrowed by `?via=trait` as in Kratos.</summary>
    private static IReadOnlyList<CodeAddress> AddressesFor(Identity identity, string via)
    {
        var addresses = CodeAddressesOf(identity);
        if (via.Length == 0)
            return addresses;
        JsonNode? value = JsonNode.Parse(identity.Traits);
        foreach (var segment in via.Split('.'))
            value = value is JsonObject o ? o[segment] : null;
        var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
        if (text.Length == 0)
            throw KratosError.BadRequest($"No value found for trait {via} in the current identity.");
        var normalized = IdentifierNormalizer.Graceful(text);
        var match = addresses.FirstOrDefault(a => a.Address == normalized)
            ?? throw KratosError.BadRequest("You can only reference a trait that matches a verification email address in the via parameter, or a registered credential.");
        return [match];
    }

    /// <summary>The identifier the code entry form holds as a hidden field.</summary>
    private static string HeldIdentifier(UiContainer ui) =>
        ui.Find("identifier")?.Attributes["value"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    private static string FirstNonEmpty(params string[] values) => values.FirstOrDefault(v => v.Length > 0) ?? "";

    /// <summary>Phones often capitalise the first letter of an email address.</summary>
    private static string NormalizeEmail(string value) => value.Contains('@') ? value.Trim().ToLowerInvariant() : value.Trim();

    private static FlowValidationException Fail(FlowSubmission submission, string node, UiText message)
    {
        var target = submission.Ui.Find(node);
        if (target is null) return submission.Fail(message);
        target.Messages.Add(message);
        return submission.Fail();
    }
}
