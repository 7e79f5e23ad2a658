using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Identities;
using IdentityServer.Identities.Schemas;
using IdentityServer.Persistence;
using IdentityServer.Security.Hashing;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Login;
using IdentityServer.Sessions;
using IdentityServer.Text;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Strategies.Password;

/// <summary>
/// Sign in with identifier and password. Identifiers are compared in their canonical form (emails
/// case-insensitively); an unknown identifier costs as much as a wrong password.
/// </summary>
public sealed class PasswordLogin(AppDbContext db, PasswordCheck passwords, TimeProvider clock, IdentitySchemaRegistry schemas) : ILoginStrategy
{
    public string Method => "password";

    public bool IsEnabled(KratosConfig config) => config.SelfService.Methods.Password.Enabled;

    public async Task PopulateAsync(FlowRecord flow, UiContainer ui, CancellationToken ct)
    {
        // A password is a first factor only: aal2 forms offer second factors.
        if (flow.RequestedAal != "aal1") return;
        var label = IdentifierLabel.For(await schemas.GetAsync(flow.IdentitySchemaId, ct));
        ui.Upsert(UiNode.Input("identifier", UiNodeGroups.Default, "text", JsonValue.Create(""), required: true, label: label));
        AddPasswordNodes(ui, Messages.LoginPassword());
    }

    /// <summary>Re-authentication asks only for the password: the identifier is the signed-in identity's, as a hidden input.</summary>
    public Task PopulateRefreshAsync(FlowRecord flow, UiContainer ui, Identity identity, CancellationToken ct)
    {
        var identifier = UsablePassword(identity)?.Identifiers.Select(i => i.Identifier).Order(StringComparer.Ordinal).FirstOrDefault();
        if (identifier is null) return Task.CompletedTask;
        ui.Upsert(UiNode.Input("identifier", UiNodeGroups.Default, "hidden", JsonValue.Create(identifier)));
        AddPasswordNodes(ui, Messages.Login());
        return Task.CompletedTask;
    }

    /// <summary>
    /// The password screen of identifier-first login, for accounts with a password. With account enumeration
    /// mitigation it is shown for every identifier, known or not.
    /// </summary>
    public Task<bool> PopulateIdentifierFirstCredentialsAsync(FlowRecord flow, UiContainer ui, Identity? identity, KratosConfig config,
        CancellationToken ct)
    {
        var usable = identity is not null && UsablePassword(identity) is not null;
        if (usable || config.Security.AccountEnumeration.Mitigate)
            AddPasswordNodes(ui, Messages.LoginPassword());
        return Task.FromResult(usable);
    }

    private static void AddPasswordNodes(UiContainer ui, UiText submitLabel)
    {
        ui.Upsert(UiNode.Input("password", UiNodeGroups.Password, "password", required: true, autocomplete: "current-password",
            label: Messages.NodeLabelPassword()));
        ui.Upsert(UiNode.Input("method", UiNodeGroups.Password, "submit", JsonValue.Create("password"), label: submitLabel));
    }

    /// <summary>The identity's password credential when it can be used to sign in (it has a hash and an identifier).</summary>
    private static IdentityCredential? UsablePassword(Identity identity) => identity.Credentials.FirstOrDefault(c =>
        c.Type == "password" && c.Identifiers.Count > 0
        && !string.IsNullOrEmpty(JsonNode.Parse(c.Config)?["hashed_password"]?.GetValue<string>()));

    public async Task<LoginOutcome> LoginAsync(FlowSubmission submission, CancellationToken ct)
    {
        if (submission.Flow.RequestedAal != "aal1") throw submission.Fail(Messages.MissingOrInvalidMethod());
        var identifier = FlowBody.String(submission.Body, "identifier") ?? "";
        var password = FlowBody.String(submission.Body, "password") ?? "";
        submission.Ui.Find("identifier")?.SetValue(JsonValue.Create(identifier));
        var missing = new List<(string Node, UiText Message)>();
        if (identifier.Length == 0) missing.Add(("identifier", Messages.ValidationRequired("identifier")));
        if (password.Length == 0) missing.Add(("password", Messages.ValidationRequired("password")));
        if (missing.Count > 0)
        {
            foreach (var (node, message) in missing) submission.Ui.Find(node)?.Messages.Add(message);
            throw submission.Fail();
        }

        var identity = await FindByIdentifierAsync(identifier, ct);
        var credential = identity?.Credentials.FirstOrDefault(c => c.Type == "password");
        var hash = credential is null ? null : JsonNode.Parse(credential.Config)?["hashed_password"]?.GetValue<string>();
        if (identity is null || credential is null || string.IsNullOrEmpty(hash))
        {
            passwords.VerifyUnknownUser(password);
            throw submission.Fail(Messages.InvalidCredentials());
        }
        if (!passwords.VerifyAndMaybeRehash(password, hash, out var upgraded))
            throw submission.Fail(Messages.InvalidCredentials());
        if (upgraded is not null)
        {
            credential!.Config = new JsonObject { ["hashed_password"] = upgraded }.ToJsonString();
            credential.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
        }
        return new LoginOutcome(identity, new AuthenticationMethod("password", "aal1", clock.GetUtcNow().UtcDateTime));
    }

    /// <summary>
    /// One round trip: the identity whose password credential has this identifier, with its credentials
    /// and addresses (the after-login hooks read them). The rows multiply only by a few addresses.
    /// </summary>
    private Task<Identity?> FindByIdentifierAsync(string identifier, CancellationToken ct)
    {
        var candidates = new[] { identifier.Trim(), IdentifierNormalizer.Graceful(identifier) }.Distinct().ToList();
        return db.Identities
            .Where(i => i.Credentials.Any(c => c.Type == "password" && c.Identifiers.Any(x => x.CredentialType == "password" && candidates.Contains(x.Identifier))))
            .Include(i => i.Credentials).ThenInclude(c => c.Identifiers)
            .Include(i => i.VerifiableAddresses)
            .Include(i => i.RecoveryAddresses)
            .AsSingleQuery()
            .FirstOrDefaultAsync(ct);
    }
}
