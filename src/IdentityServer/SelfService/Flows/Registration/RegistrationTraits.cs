using System.Globalization;
using System.Text.Json.Nodes;
using IdentityServer.Identities;
using IdentityServer.Identities.Schemas;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Flows.Registration;

/// <summary>The traits part of a registration form: inputs from the identity schema, submitted values and their errors.</summary>
public static class RegistrationTraits
{
    private const string Prefix = "traits.";

    /// <summary>Adds (or resets to their schema form) the trait inputs of the flow's identity schema, in the default group.</summary>
    public static async Task AddNodesAsync(IdentitySchemaRegistry schemas, FlowRecord flow, UiContainer ui, CancellationToken ct)
    {
        var schema = await schemas.GetAsync(flow.IdentitySchemaId, ct);
        foreach (var trait in TraitsNodeBuilder.Build(schema, null))
            ui.Upsert(Node(trait));
    }

    private static UiNode Node(TraitNode trait)
    {
        var node = UiNode.Input(trait.Name, UiNodeGroups.Default, trait.Type, trait.Value, trait.Required, trait.Autocomplete,
            trait.Pattern, trait.Label);
        if (trait.Options is { } options)
            node.Attributes["options"] = new JsonArray(options.Select(o => o?.DeepClone()).ToArray());
        return node;
    }

    /// <summary>
    /// The submitted traits, also written into the trait inputs so the form shows them again. Form posts are
    /// typed by the identity schema (<see cref="FormTraits"/>). Traits that are not an object are returned as
    /// sent, for the schema check to refuse.
    /// </summary>
    public static JsonNode Read(FlowSubmission submission, IdentitySchema schema)
    {
        var sent = FormTraits.Decode(submission.Http.Request, submission.Body, schema);
        if (sent is not null and not JsonObject) return sent.DeepClone();
        var traits = sent as JsonObject ?? new JsonObject();
        SetValues(submission.Ui, traits);
        return traits;
    }

    /// <summary>Writes the values of <paramref name="traits"/> into the trait inputs; inputs without a value lose theirs.</summary>
    public static void SetValues(UiContainer ui, JsonObject traits)
    {
        foreach (var node in ui.Nodes.Where(n => n.Name?.StartsWith(Prefix, StringComparison.Ordinal) == true))
            node.SetValue(ValueAt(traits, node.Name![Prefix.Length..].Split('.')));
    }

    /// <summary>Puts each schema problem on its input (`/traits/email` → `traits.email`), or on the form for the root.</summary>
    public static void ShowProblems(UiContainer ui, IEnumerable<TraitProblem> problems)
    {
        foreach (var problem in problems)
        {
            var message = new UiText { Id = problem.MessageId, Text = problem.Text, Type = UiTextTypes.Error, Context = problem.Context };
            var name = string.Join('.', problem.Pointer.TrimStart('#').Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries));
            if (name.Length == 0) ui.AddMessage(message);
            else ui.AddMessageTo(name, message);
        }
    }

    private static JsonNode? ValueAt(JsonObject traits, string[] path)
    {
        JsonNode? current = traits;
        foreach (var segment in path) current = current is JsonObject o ? o[segment] : null;
        return current?.DeepClone();
    }
}
