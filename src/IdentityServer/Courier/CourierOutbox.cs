using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Courier.Templates;
using IdentityServer.Persistence;
using MimeKit;

namespace IdentityServer.Courier;

/// <summary>
/// Adds messages to the request's unit of work. The subject and plaintext body (or SMS text) are rendered
/// now, as Kratos does, so the admin API shows them at once; the HTML body is rendered when the message
/// is sent. A message whose template cannot be rendered, or whose recipient is not an address, is still
/// written, as abandoned with the reason, so it never disappears silently and never fails the flow.
/// </summary>
public sealed class CourierOutbox(AppDbContext db, CourierTemplates templates, ConfigStore config, TimeProvider time,
    ILogger<CourierOutbox> log) : ICourierOutbox
{
    public async Task QueueAsync(OutgoingMessage message, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var kind = TemplateKind.Find(message.TemplateType);
        var model = TemplateModel.Complete(kind, message.Recipient, message.TemplateData, config.Current);
        var row = new CourierMessage
        {
            Id = Guid.NewGuid(),
            Type = message.Channel == OutgoingMessage.Sms ? OutgoingMessage.Sms : OutgoingMessage.Email,
            Channel = message.Channel,
            Status = MessageStatus.Queued,
            Recipient = message.Recipient,
            TemplateType = message.TemplateType,
            TemplateData = model.ToJsonString(),
            NextAttemptAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var failure = CheckRecipient(row) ?? await RenderAsync(row, model, ct);
        if (failure is not null)
        {
            row.Status = MessageStatus.Abandoned;
            row.Dispatches.Add(failure.ToDispatch(row.Id, now));
            log.LogError("Courier message {MessageId} ({TemplateType} to {Recipient}) was abandoned: {Reason}: {Error}",
                row.Id, row.TemplateType, row.Recipient, failure.Reason, failure.Message);
        }
        db.Add(row);
    }

    private async Task<DispatchFailure?> RenderAsync(CourierMessage row, JsonObject model, CancellationToken ct)
    {
        try
        {
            if (row.Type == OutgoingMessage.Sms)
            {
                row.Body = await templates.RenderAsync(row.TemplateType, TemplatePart.SmsBody, model, ct);
            }
            else
            {
                row.Subject = await templates.RenderAsync(row.TemplateType, TemplatePart.EmailSubject, model, ct);
                row.Body = await templates.RenderAsync(row.TemplateType, TemplatePart.EmailPlaintext, model, ct);
            }
            return null;
        }
        catch (CourierTemplateException e)
        {
            return DispatchFailure.Permanent("the message could not be rendered", e.Message);
        }
    }

    private static DispatchFailure? CheckRecipient(CourierMessage row)
    {
        if (row.Type == OutgoingMessage.Email && !IsEmailAddress(row.Recipient))
            return DispatchFailure.Permanent("the recipient is not valid", $"\"{row.Recipient}\" is not an email address");
        if (row.Type == OutgoingMessage.Sms && string.IsNullOrWhiteSpace(row.Recipient))
            return DispatchFailure.Permanent("the recipient is not valid", "the SMS has no recipient");
        return null;
    }

    /// <summary>One plain address (no display name, no list), as it is put into the SMTP envelope.</summary>
    public static bool IsEmailAddress(string text) =>
        MailboxAddress.TryParse(text, out var mailbox) && string.IsNullOrEmpty(mailbox.Name) && mailbox.Address == text.Trim() && text.Contains('@');
}
