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
    /// The submitted traits, also written into the trait inputs so the form shows them again. Form posts carry
    /// only text: numbers and checkboxes become JSON numbers and booleans as the identity schema says (also for
    /// traits sent as hidden inputs). Traits that are not an object are returned as sent, for the schema check to refuse.
    /// </summary>
    public static JsonNode Read(FlowSubmission submission, IdentitySchema schema)
    {
        var sent = submission.Body["traits"];
        if (sent is not null and not JsonObject) return sent.DeepClone();
        var traits = sent as JsonObject ?? new JsonObject();
        if (submission.Http.Request.HasFormContentType)
            CoerceFormValues(schema, traits);
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

    private static void CoerceFormValues(IdentitySchema schema, JsonObject traits)
    {
        foreach (var trait in TraitsNodeBuilder.Build(schema, null))
        {
            var path = trait.Name[Prefix.Length..].Split('.');
            JsonNode? parent = traits;
            foreach (var segment in path[..^1]) parent = parent is JsonObject o ? o[segment] : null;
            if (parent is not JsonObject holder || holder[path[^1]] is not JsonValue value || !value.TryGetValue<string>(out var text)) continue;
            if (trait.Type == "number" && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                holder[path[^1]] = number % 1 == 0 && Math.Abs(number) < long.MaxValue ? JsonValue.Create((long)number) : JsonValue.Create(number);
            else if (trait.Type == "checkbox")
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
