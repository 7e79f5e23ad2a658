using System.Text.Json.Nodes;

namespace IdentityServer.Text;

/// <summary>
/// Factories for every message of the UI catalog, one per message id. Texts, types and context keys
/// follow the public catalog exactly because UIs translate and template them.
/// </summary>
public static partial class Messages
{
    private static UiText Info(long id, string text, JsonObject? context = null) =>
        new() { Id = id, Type = UiTextTypes.Info, Text = text, Context = context };

    private static UiText Error(long id, string text, JsonObject? context = null) =>
        new() { Id = id, Type = UiTextTypes.Error, Text = text, Context = context };

    private static UiText Success(long id, string text, JsonObject? context = null) =>
        new() { Id = id, Type = UiTextTypes.Success, Text = text, Context = context };

    private static JsonArray StringArray(IEnumerable<string> values) =>
        new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static UiText FlowExpired(long id, string flow, DateTimeOffset expiredAt, DateTimeOffset now) =>
        Error(id,
            $"The {flow} flow expired {GoStyleFormat.Minutes(now - expiredAt)} minutes ago, please try again.",
            new JsonObject
            {
                ["expired_at"] = GoStyleFormat.Timestamp(expiredAt),
                ["expired_at_unix"] = expiredAt.ToUnixTimeSeconds(),
            });

    private const string RetrySuccessText = "The request was already completed successfully and can not be retried.";
}
