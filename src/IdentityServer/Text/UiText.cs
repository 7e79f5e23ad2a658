using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace IdentityServer.Text;

/// <summary>
/// A user-facing message as it appears in flow UIs (the <c>uiText</c> shape of the public API).
/// UIs translate messages by <see cref="Id"/>; <see cref="Text"/> is the American English default.
/// </summary>
public sealed record UiText
{
    [JsonPropertyName("id")]
    public required long Id { get; init; }

    [JsonPropertyName("text")]
    public required string Text { get; init; }

    /// <summary>One of <see cref="UiTextTypes"/>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("context")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Context { get; init; }
}

public static class UiTextTypes
{
    public const string Info = "info";
    public const string Error = "error";
    public const string Success = "success";
}
