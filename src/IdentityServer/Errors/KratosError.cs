using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace IdentityServer.Errors;

/// <summary>
/// An error a client may see, rendered as Kratos's generic error shape
/// <c>{"error":{"id","code","status","reason","message","details","request"}}</c>.
/// </summary>
public class KratosError : Exception
{
    public KratosError(int code, string message, string? id = null, string? reason = null, JsonObject? details = null)
        : base(reason ?? message)
    {
        Code = code;
        ErrorMessage = message;
        Id = id;
        Reason = reason;
        Details = details;
    }

    public int Code { get; }
    public string? Id { get; }
    public string ErrorMessage { get; }
    public string? Reason { get; }
    public JsonObject? Details { get; }
    public string Status => ReasonPhrases.GetReasonPhrase(Code);

    public static string DefaultMessage(int code) => code switch
    {
        400 => "The request was malformed or contained invalid parameters",
        401 => "The request could not be authorized",
        403 => "The requested action was forbidden",
        404 => "The requested resource could not be found",
        405 => "The requested method is not allowed for this resource",
        409 => "The resource could not be created due to a conflict",
        410 => "The requested resource is no longer available",
        413 => "The request body is too large",
        415 => "The request body has an unsupported media type",
        422 => "The request was well-formed but contained semantic errors",
        429 => "Too many requests",
        503 => "The service is not available right now",
        _ when code >= 500 => "An internal server error occurred, please contact the system administrator",
        _ => ReasonPhrases.GetReasonPhrase(code),
    };

    public static KratosError NotFound(string? reason = null) => new(404, DefaultMessage(404), reason: reason);
    public static KratosError BadRequest(string? reason = null, string? id = null) => new(400, DefaultMessage(400), id, reason);
    public static KratosError Conflict(string? reason = null) => new(409, DefaultMessage(409), reason: reason);
    public static KratosError Forbidden(string? reason = null, string? id = null) => new(403, DefaultMessage(403), id, reason);
    public static KratosError Unauthorized(string? reason = null, string? id = null) => new(401, DefaultMessage(401), id, reason);
    public static KratosError PayloadTooLarge(string? reason = null) => new(413, DefaultMessage(413), reason: reason);

    public virtual JsonObject ToJson(string? requestId)
    {
        var error = new JsonObject();
        if (Id is not null) error["id"] = Id;
        error["code"] = Code;
        error["status"] = Status;
        if (Reason is not null) error["reason"] = Reason;
        error["message"] = ErrorMessage;
        if (Details is not null) error["details"] = Details.DeepClone();
        if (requestId is not null) error["request"] = requestId;
        return new JsonObject { ["error"] = error };
    }
}
