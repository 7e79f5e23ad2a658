using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.Identities;
using IdentityServer.Identities.Schemas;
using IdentityServer.Persistence;
using IdentityServer.Security.Hashing;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Registration;
using IdentityServer.Sessions;
using IdentityServer.Text;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Strategies.Password;

/// <summary>Sign up with traits and a password; the identity is written by <see cref="IdentityManager"/>.</summary>
public sealed class PasswordRegistration(
    IdentityManager identities, IdentitySchemaRegistry schemas, IIdentitySchemas schemaChecks, PasswordPolicy policy,
    AppDbContext db, TimeProvider clock) : IRegistrationStrategy
{
    public string Method => "password";

    public bool IsEnabled(KratosConfig config) => config.SelfService.Methods.Password.Enabled;

    public async Task PopulateAsync(FlowRecord flow, UiContainer ui, CancellationToken ct)
    {
        await RegistrationTraits.AddNodesAsync(schemas, flow, ui, ct);
        AddPasswordNodes(ui);
    }

    /// <summary>Two-step registration asks for the password on the credential screen only.</summary>
    public Task PopulateProfileStepAsync(FlowRecord flow, UiContainer ui, CancellationToken ct)
    {
        ui.Remove("password", UiNodeGroups.Password);
        ui.Remove("method", UiNodeGroups.Password);
        return Task.CompletedTask;
    }

    public Task PopulateCredentialsStepAsync(FlowRecord flow, UiContainer ui, CancellationToken ct)
    {
        AddPasswordNodes(ui);
        return Task.CompletedTask;
    }

    private static void AddPasswordNodes(UiContainer ui)
    {
        ui.Upsert(UiNode.Input("password", UiNodeGroups.Password, "password", required: true, autocomplete: "new-password",
            label: Messages.NodeLabelPassword()));
        ui.Upsert(UiNode.Input("method", UiNodeGroups.Password, "submit", JsonValue.Create("password"), label: Messages.Registration()));
    }

    public async Task<(Identity Identity, AuthenticationMethod Method)> RegisterAsync(FlowSubmission submission, CancellationToken ct)
    {
        var schemaId = submission.Flow.IdentitySchemaId ?? schemas.DefaultSchemaId;
        var traits = RegistrationTraits.Read(submission, await schemas.GetAsync(schemaId, ct));
        var password = FlowBody.String(submission.Body, "password") ?? "";

        if (password.Length == 0)
            throw Fail(submission, "password", Messages.ValidationRequired("password"));

        var check = await schemaChecks.CheckAsync(schemaId, traits, ct);
        if (check.Problems.Count > 0)
        {
            RegistrationTraits.ShowProblems(submission.Ui, check.Problems);
            throw submission.Fail();
        }

        var identifier = check.Derived.Identifiers.TryGetValue("password", out var ids) && ids.Count > 0 ? ids[0] : "";
        if (await policy.CheckAsync(submission.Config.SelfService.Methods.Password.Config, identifier, password, ct) is { } problemText)
            throw Fail(submission, "password", problemText);

        try
        {
            var identity = await identities.CreateAsync(new IdentityDraft { SchemaId = schemaId, Traits = (JsonObject)traits, Password = password }, ct);
            return (identity, new AuthenticationMethod("password", "aal1", clock.GetUtcNow().UtcDateTime));
        }
        catch (KratosError e) when (e.Code == 409)
        {
            throw submission.Fail(await DuplicateMessageAsync(submission.Config, check.Derived, ct));
        }
        catch (PasswordTooLongException)
        {
            throw Fail(submission, "password", Messages.PasswordMaxLength(72, System.Text.Encoding.UTF8.GetByteCount(password)));
        }
    }

    /// <summary>4000007, or with `login_hints` 4000028 naming how the existing account can sign in.</summary>
    private async Task<UiText> DuplicateMessageAsync(KratosConfig config, DerivedAddresses derived, CancellationToken ct)
    {
        if (!config.SelfService.Flows.Registration.LoginHints)
            return Messages.DuplicateCredentials();
        var identifiers = derived.Identifiers.SelectMany(p => p.Value).Distinct().ToList();
        var match = await db.IdentityCredentialIdentifiers.AsNoTracking()
            .Where(i => identifiers.Contains(i.Identifier))
            .Select(i => new { i.IdentityCredentialId, i.Identifier }).FirstOrDefaultAsync(ct);
        if (match is null) return Messages.DuplicateCredentials();
        var identityId = await db.IdentityCredentials.AsNoTracking().Where(c => c.Id == match.IdentityCredentialId).Select(c => c.IdentityId).SingleAsync(ct);
        var credentials = await db.IdentityCredentials.AsNoTracking().Where(c => c.IdentityId == identityId).ToListAsync(ct);
        var types = credentials
            .Where(c => c.Type != "password" || JsonNode.Parse(c.Config)?["hashed_password"] is not null)
            .Where(c => c.Type is not "code")
            .Select(c => c.Type).OrderBy(t => t, StringComparer.Ordinal).ToList();
        var providers = credentials.Where(c => c.Type == "oidc")
            .SelectMany(c => JsonNode.Parse(c.Config)?["providers"] as JsonArray ?? [])
            .Select(p => p?["provider"]?.GetValue<string>()).OfType<string>().Distinct().ToList();
        return Messages.DuplicateCredentialsWithHints(types, providers, match.Identifier);
    }

    private static FlowValidationException Fail(FlowSubmission submission, string node, UiText message)
    {
        submission.Ui.AddMessageTo(node, message);
        return submission.Fail();
    }
}
