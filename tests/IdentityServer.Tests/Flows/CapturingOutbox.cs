using IdentityServer.Courier;

namespace IdentityServer.Tests.Flows;

// TEMPORARY until the courier is merged: hands queued messages straight to the mailbox.
public sealed class CapturingOutbox(Mailbox mailbox) : ICourierOutbox
{
    public Task QueueAsync(OutgoingMessage message, CancellationToken ct)
    {
        var d = message.TemplateData;
        var text = $"code: {d["VerificationCode"] ?? d["RecoveryCode"]}\nlink: {d["VerificationURL"] ?? d["RecoveryURL"]}\n";
        mailbox.Deliver(new ReceivedMail(message.Recipient, message.TemplateType, text));
        return Task.CompletedTask;
    }
}
