using System.Text.Json.Nodes;

namespace IdentityServer.Courier;

/// <summary>
/// A message a flow wants sent, named by its Kratos template type (`verification_code_valid`,
/// `recovery_valid`, `login_code_valid`, ...). <see cref="TemplateData"/> holds the template model's
/// fields under Kratos's names (To, VerificationCode, VerificationURL, Identity, RequestURL, ...).
/// </summary>
public sealed record OutgoingMessage(string TemplateType, string Channel, string Recipient, JsonObject TemplateData)
{
    public const string Email = "email";
    public const string Sms = "sms";
}

/// <summary>
/// The courier's outbox as the flows see it. Queuing adds the message to the request's
/// <see cref="Persistence.AppDbContext"/> without saving it: the caller's next SaveChanges writes it
/// together with the flow change that caused it, so a message is never lost or sent for a change that
/// was rolled back.
/// </summary>
public interface ICourierOutbox
{
    Task QueueAsync(OutgoingMessage message, CancellationToken ct);
}
