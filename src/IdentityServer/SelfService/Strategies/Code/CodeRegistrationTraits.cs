using System.Globalization;
using System.Text.Json.Nodes;
using IdentityServer.Identities.Schemas;
using IdentityServer.SelfService.Flows;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Strategies.Code;

/// <summary>The traits inputs of a registration form, read back from JSON bodies and form posts.</summary>
public static class CodeRegistrationTraits
{
    public const string Prefix = "traits.";

    public static UiNode Node(TraitNode trait)
    {
        var node = UiNode.Input(trait.Name, UiNodeGroups.Default, trait.Type, trait.Value, trait.Required, trait.Autocomplete,
            trait.Pattern, trait.Label);
        if (trait.Options is { } options)
            node.Attributes["options"] = new JsonArray(options.Select(o => o?.DeepClone()).ToArray());
        return node;
    }

    public static bool IsTrait(UiNode node) => node.Name?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    /// <summary>
    /// Form posts carry only text: numbers and checkboxes become JSON numbers and booleans as the
    /// schema's inputs say (the code entry form shows the traits as hidden inputs, so the form's own
    /// input types cannot tell).
    /// </summary>
    public static void CoerceFormValues(IReadOnlyList<TraitNode> inputs, JsonObject traits)
    {
        foreach (var input in inputs)
        {
            var path = input.Name[Prefix.Length..].Split('.');
            JsonNode? parent = traits;
            foreach (var segment in path[..^1]) parent = parent is JsonObject o ? o[segment] : null;
            if (parent is not JsonObject holder || holder[path[^1]] is not JsonValue value || !value.TryGetValue<string>(out var text)) continue;
            if (input.Type == "number" && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                holder[path[^1]] = number % 1 == 0 && Math.Abs(number) < long.MaxValue ? JsonValue.Create((long)number) : JsonValue.Create(number);
            else if (input.Type == "checkbox")
                holder[path[^1]] = text is "true" or "on" or "1";
        }
    }

    /// <summary>The value of `traits.a.b` in the traits object, or null.</summary>
    public static JsonNode? ValueAt(JsonObject traits, string name)
    {
        JsonNode? current = traits;
        foreach (var segment in name[Prefix.Length..].Split('.')) current = current is JsonObject o ? o[segment] : null;
        return current?.DeepClone();
    }

    /// <summary>Puts a traits error on its node (`/traits/email` → `traits.email`), or on the form.</summary>
    public static void Attach(UiContainer ui, string pointer, UiText message)
    {
        var name = string.Join('.', pointer.TrimStart('#').Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries));
        var node = ui.Find(name);
        if (node is not null) node.Messages.Add(message);
        else ui.AddMessage(message);
    }
}
