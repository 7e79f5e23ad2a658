using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Courier;

public static class MessageStatus
{
    public const string Queued = "queued";
    public const string Processing = "processing";
    public const string Sent = "sent";
    public const string Abandoned = "abandoned";

    public static readonly IReadOnlyList<string> All = [Queued, Sent, Processing, Abandoned];
}

public static class DispatchStatus
{
    public const string Failed = "failed";
    public const string Success = "success";
}

/// <summary>A row of the outbox: one email or SMS, with the text it was rendered to when it was queued.</summary>
public sealed class CourierMessage
{
    public Guid Id { get; set; }
    /// <summary>email or sms.</summary>
    public string Type { get; set; } = OutgoingMessage.Email;
    public string Status { get; set; } = MessageStatus.Queued;
    /// <summary>The channel that delivers it (email, sms).</summary>
    public string Channel { get; set; } = OutgoingMessage.Email;
    public string Recipient { get; set; } = "";
    public string Subject { get; set; } = "";
    /// <summary>The plaintext body of an email, or the text of an SMS.</summary>
    public string Body { get; set; } = "";
    public string TemplateType { get; set; } = "";
    /// <summary>The template model as JSON, with Kratos's field names (To, VerificationCode, ...).</summary>
    public string TemplateData { get; set; } = "{}";
    public int SendCount { get; set; }
    /// <summary>
    /// When a queued message may be tried (again); for a message being processed, when its claim
    /// expires and another worker may take it over (the worker that claimed it stopped).
    /// </summary>
    public DateTime NextAttemptAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public List<CourierMessageDispatch> Dispatches { get; set; } = [];
}

/// <summary>One attempt to deliver a message, with the error when it failed.</summary>
public sealed class CourierMessageDispatch
{
    public Guid Id { get; set; }
    public Guid MessageId { get; set; }
    public string Status { get; set; } = DispatchStatus.Success;
    /// <summary>The error as JSON ({code, status, reason, message, details}); null for a success.</summary>
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class CourierMapping
{
    public static void Map(ModelBuilder b, string jsonColumnType)
    {
        b.Entity<CourierMessage>(e =>
        {
            e.ToTable("courier_messages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.Type).HasColumnName("type");
            e.Property(x => x.Status).HasColumnName("status");
            e.Property(x => x.Channel).HasColumnName("channel");
            e.Property(x => x.Recipient).HasColumnName("recipient");
            e.Property(x => x.Subject).HasColumnName("subject");
            e.Property(x => x.Body).HasColumnName("body");
            e.Property(x => x.TemplateType).HasColumnName("template_type");
            e.Property(x => x.TemplateData).HasColumnName("template_data").HasColumnType(jsonColumnType);
            e.Property(x => x.SendCount).HasColumnName("send_count");
            e.Property(x => x.NextAttemptAt).HasColumnName("next_attempt_at");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.HasMany(x => x.Dispatches).WithOne().HasForeignKey(x => x.MessageId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<CourierMessageDispatch>(e =>
        {
            e.ToTable("courier_message_dispatches");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.MessageId).HasColumnName("message_id");
            e.Property(x => x.Status).HasColumnName("status");
            e.Property(x => x.Error).HasColumnName("error").HasColumnType(jsonColumnType);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        });
    }
}
