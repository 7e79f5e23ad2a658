using System.Globalization;
using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Identities;
using IdentityServer.Identities.Schemas;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Settings;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Strategies.Profile;

/// <summary>
/// Changes the identity's traits in the settings flow, validated against its schema. A change that
/// alters an identifier or an address (what signs in, what gets verified or recovered) needs a
/// privileged session; a new address value starts unverified.
/// </summary>
public sealed class ProfileSettings(IdentitySchemaRegistry schemas, IIdentitySchemas schemaChecks, IdentityManager identities) : ISettingsStrategy
{
    public string Method => "profile";

    public bool IsEnabled(KratosConfig config) => config.SelfService.Methods.Profile.Enabled;

    public async Task PopulateAsync(FlowRecord flow, Identity identity, UiContainer ui, CancellationToken ct)
    {
        var schema = await schemas.GetAsync(identity.SchemaId, ct);
        foreach (var trait in TraitsNodeBuilder.Build(schema, JsonNode.Parse(identity.Traits)))
            ui.Upsert(TraitNode(trait));
        ui.Upsert(UiNode.Input("method", UiNodeGroups.Profile, "submit", JsonValue.Create(Method), label: Messages.NodeLabelSave()));
    }

    public async Task UpdateAsync(FlowSubmission submission, SettingsContext context, CancellationToken ct)
    {
        var traits = FormTraits.Decode(submission.Http.Request, submission.Body, await schemas.GetAsync(context.Identity.SchemaId, ct)) switch
        {
            JsonObject { Count: > 0 } o => o,
            null or JsonObject => throw SettingsErrors.NoValueChanges(),
            var other => throw Errors.KratosError.BadRequest($"The field `traits` must be an object, not {IdentityDraft.Kind(other)}."),
        };
        foreach (var node in submission.Ui.Nodes.Where(n => n.Group == UiNodeGroups.Profile && n.Name?.StartsWith("traits.", StringComparison.Ordinal) == true))
            node.SetValue(ValueAt(traits, node.Name!["traits.".Length..].Split('.')));

        var identity = context.Identity;
        var check = await schemaChecks.CheckAsync(identity.SchemaId, traits, ct);
        if (check.Problems.Count > 0)
        {
            foreach (var problem in check.Problems)
                AttachToNode(submission, problem.Pointer, new UiText { Id = problem.MessageId, Text = problem.Text, Type = UiTextTypes.Error, Context = problem.Context });
            throw submission.Fail();
        }
        if (!context.Privileged && ChangesProtectedFields(identity, check.Derived))
            throw new PrivilegedSessionRequiredException();

        await identities.ApplyAsync(identity, new IdentityDraft { SchemaId = identity.SchemaId, Traits = (JsonObject)traits.DeepClone() }, ct);
    }

    /// <summary>Whether the new traits change an identifier or a verifiable or recovery address.</summary>
    private static bool ChangesProtectedFields(Identity identity, DerivedAddresses derived)
    {
        foreach (var credential in identity.Credentials.Where(c => c.Type is not ("oidc" or "saml" or "totp" or "lookup_secret")))
        {
            var wanted = derived.Identifiers.TryGetValue(credential.Type, out var list) ? list : [];
            if (!SameSet(credential.Identifiers.Select(i => i.Identifier), wanted)) return true;
        }
        if (derived.Identifiers.Any(p => p.Value.Count > 0 && identity.Credentials.All(c => c.Type != p.Key)))
            return true;
        return !SameSet(identity.VerifiableAddresses.Select(a => $"{a.Via}:{a.Value}"), derived.VerifiableAddresses.Select(a => $"{a.Via}:{a.Value}"))
            || !SameSet(identity.RecoveryAddresses.Select(a => $"{a.Via}:{a.Value}"), derived.RecoveryAddresses.Select(a => $"{a.Via}:{a.Value}"));
    }

    private static bool SameSet(IEnumerable<string> a, IEnumerable<string> b) => a.ToHashSet(StringComparer.Ordinal).SetEquals(b);

    private static UiNode TraitNode(TraitNode trait)
    {
        var node = UiNode.Input(trait.Name, UiNodeGroups.Profile, trait.Type, trait.Value, trait.Required, trait.Autocomplete,
            trait.Pattern, trait.Label);
        if (trait.Options is { } options)
            node.Attributes["options"] = new JsonArray(options.Select(o => o?.DeepClone()).ToArray());
        return node;
    }

    /// <summary>Puts a traits error on its node (`/traits/email` → `traits.email`), or on the form.</summary>
    private static void AttachToNode(FlowSubmission submission, string pointer, UiText message)
    {
        var name = string.Join('.', pointer.TrimStart('#').Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries));
        var node = submission.Ui.Find(name, UiNodeGroups.Profile);
        if (node is not null) node.Messages.Add(message);
        else submission.Ui.AddMessage(message);
    }

    private static JsonNode? ValueAt(JsonObject traits, string[] path)
    {
        JsonNode? current = traits;
        foreach (var segment in path) current = current is JsonObject o ? o[segment] : null;
        return current?.DeepClone();
    }
}
