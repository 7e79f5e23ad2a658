using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.Identities;
using IdentityServer.Identities.Schemas;
using IdentityServer.Persistence;
using IdentityServer.Security.Hashing;
using IdentityServer.SelfService.Flows;
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
        var schema = await schemas.GetAsync(flow.IdentitySchemaId, ct);
        foreach (var trait in TraitsNodeBuilder.Build(schema, null))
            ui.Upsert(TraitNode(trait));
        ui.Upsert(UiNode.Input("password", UiNodeGroups.Password, "password", required: true, autocomplete: "new-password",
            label: Messages.NodeLabelPassword()));
        ui.Upsert(UiNode.Input("method", UiNodeGroups.Password, "submit", JsonValue.Create("password"), label: Messages.Registration()));
    }

    private static UiNode TraitNode(TraitNode trait)
    {
        var node = UiNode.Input(trait.Name, UiNodeGroups.Default, trait.Type, trait.Value, trait.Required, trait.Autocomplete,
            trait.Pattern, trait.Label);
        if (trait.Options is { } options)
            node.Attributes["options"] = new JsonArray(options.Select(o => o?.DeepClone()).ToArray());
        return node;
    }

    public async Task<(Identity Identity, AuthenticationMethod Method)> RegisterAsync(FlowSubmission submission, CancellationToken ct)
    {
        var body = submission.Body;
        var traits = body["traits"] as JsonObject ?? new JsonObject();
        var password = FlowBody.String(body, "password") ?? "";
        if (submission.Http.Request.HasFormContentType)
            CoerceFormValues(submission.Ui, traits);
        foreach (var node in submission.Ui.Nodes.Where(n => n.Name?.StartsWith("traits.", StringComparison.Ordinal) == true))
            node.SetValue(ValueAt(traits, node.Name!["traits.".Length..].Split('.')));

        if (password.Length == 0)
            throw Fail(submission, "password", Messages.ValidationRequired("password"));

        var schemaId = submission.Flow.IdentitySchemaId ?? schemas.DefaultSchemaId;
        var check = await schemaChecks.CheckAsync(schemaId, traits, ct);
        if (check.Problems.Count > 0)
        {
            foreach (var problem in check.Problems)
                AttachToNode(submission, problem.Pointer, new UiText { Id = problem.MessageId, Text = problem.Text, Type = UiTextTypes.Error, Context = problem.Context });
            throw submission.Fail();
        }

        var identifier = check.Derived.Identifiers.TryGetValue("password", out var ids) && ids.Count > 0 ? ids[0] : "";
        if (await policy.CheckAsync(submission.Config.SelfService.Methods.Password.Config, identifier, password, ct) is { } problemText)
            throw Fail(submission, "password", problemText);

        try
        {
            var identity = await identities.CreateAsync(new IdentityDraft { SchemaId = schemaId, Traits = traits, Password = password }, ct);
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
        var target = submission.Ui.Find(node);
        if (target is null) return submission.Fail(message);
        target.Messages.Add(message);
        return submission.Fail();
    }

    /// <summary>Puts a traits error on its node (`/traits/email` → `traits.email`), or on the form.</summary>
    private static void AttachToNode(FlowSubmission submission, string pointer, UiText message)
    {
        var name = string.Join('.', pointer.TrimStart('#').Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries));
        var node = submission.Ui.Find(name);
        if (node is not null) node.Messages.Add(message);
        else submission.Ui.AddMessage(message);
    }

    /// <summary>Form posts carry only text; numbers and checkboxes become JSON numbers and booleans as the form says.</summary>
    private static void CoerceFormValues(UiContainer ui, JsonObject traits)
    {
        foreach (var node in ui.Nodes)
        {
            if (node.Name is not { } name || !name.StartsWith("traits.", StringComparison.Ordinal)) continue;
            var path = name["traits.".Length..].Split('.');
            JsonNode? parent = traits;
            foreach (var segment in path[..^1]) parent = parent is JsonObject o ? o[segment] : null;
            if (parent is not JsonObject holder || holder[path[^1]] is not JsonValue value || !value.TryGetValue<string>(out var text)) continue;
            var type = node.Attributes["type"]?.GetValue<string>();
            if (type == "number" && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number))
                holder[path[^1]] = number % 1 == 0 && Math.Abs(number) < long.MaxValue ? JsonValue.Create((long)number) : JsonValue.Create(number);
            else if (type == "checkbox")
                holder[path[^1]] = text is "true" or "on" or "1";
        }
    }

    private static JsonNode? ValueAt(JsonObject traits, string[] path)
    {
        JsonNode? current = traits;
        foreach (var segment in path) current = current is JsonObject o ? o[segment] : null;
        return current?.DeepClone();
    }
}
