using System.Text.Json.Nodes;

namespace IdentityServer.Courier;

/// <summary>
/// Why a delivery attempt failed. A transient failure (server down, timeout, 5xx answer) is retried
/// with back-off; a permanent one (template error, recipient refused, 4xx answer) abandons the message.
/// Stored with the dispatch in the shape of Kratos's errors: code, status, reason, message, details.
/// </summary>
public sealed record DispatchFailure(bool IsPermanent, string Reason, string Message, JsonObject? Details = null)
{
    public static DispatchFailure Transient(string reason, string message, JsonObject? details = null) => new(false, reason, message, details);
    public static DispatchFailure Permanent(string reason, string message, JsonObject? details = null) => new(true, reason, message, details);

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["code"] = 500,
            ["status"] = "Internal Server Error",
            ["reason"] = Reason,
            ["message"] = Message,
        };
        if (Details is not null)
            json["details"] = Details.DeepClone();
        return json;
    }

    public CourierMessageDispatch ToDispatch(Guid messageId, DateTime now) => new()
    {
        Id = Guid.NewGuid(),
        MessageId = messageId,
        Status = DispatchStatus.Failed,
        Error = ToJson().ToJsonString(),
        CreatedAt = now,
        UpdatedAt = now,
    };
}
