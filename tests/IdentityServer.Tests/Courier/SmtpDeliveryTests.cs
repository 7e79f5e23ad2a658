using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Courier;
using IdentityServer.Identities;
using IdentityServer.Persistence;
using IdentityServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace IdentityServer.Tests.Courier;

/// <summary>Messages queued through the outbox reach a real SMTP server on loopback.</summary>
public sealed class SmtpDeliveryTests
{
    private static string Smtp(SmtpSink sink, string extra = "") => $"""
          smtp:
            connection_uri: "{sink.ConnectionUri()}"
            from_address: courier@example.org
            from_name: Example Team
            local_name: courier.example.org
            headers:
              X-Campaign: account-mail
        {extra}{CourierHarness.FastWorker}
        """;

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Verification_code_arrives_over_starttls_with_credentials_as_html_and_plaintext(string kind)
    {
        await using var sink = SmtpSink.Start(SmtpSink.Security.StartTls, user: "mailer", password: "p@ss:word");
        await using var server = await CourierHarness.StartAsync(kind, Smtp(sink));
        var to = CourierHarness.Recipient();

        await server.QueueAsync(CourierHarness.VerificationCode(to, "482913"));

        var received = await sink.WaitForMessageAsync(to);
        Assert.True(received.Tls);
        Assert.Equal("mailer", received.User);
        Assert.Equal("courier.example.org", received.ClientName);
        Assert.Equal("courier@example.org", received.MailFrom);
        var mail = received.Message;
        var from = Assert.Single(mail.From.Mailboxes);
        Assert.Equal(("Example Team", "courier@example.org"), (from.Name, from.Address));
        Assert.Equal(to, Assert.Single(mail.To.Mailboxes).Address);
        Assert.Equal("Your verification code: 482913", mail.Subject);
        Assert.Equal("account-mail", mail.Headers["X-Campaign"]);
        var alternative = Assert.IsType<MultipartAlternative>(mail.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType).ToArray());
        Assert.Contains("482913", mail.TextBody);
        Assert.Contains("482913", mail.HtmlBody);
        Assert.Contains("<a href=\"https://app.example.com/verify?code=482913\">", mail.HtmlBody);
        // The default code lifespan is put into ExpiresInMinutes when the flow did not set it.
        Assert.Contains("valid for 60 minutes", mail.TextBody);

        var message = await server.WaitForMessageAsync(to, m => CourierHarness.Status(m) == "sent");
        Assert.Equal(1, message["send_count"]!.GetValue<int>());
        Assert.Equal("email", message["type"]!.GetValue<string>());
        Assert.Equal("email", message["channel"]!.GetValue<string>());
        Assert.Equal("verification_code_valid", message["template_type"]!.GetValue<string>());
        Assert.Equal("Your verification code: 482913", message["subject"]!.GetValue<string>());
        var dispatch = Assert.Single(CourierHarness.Dispatches(message))!;
        Assert.Equal("success", dispatch["status"]!.GetValue<string>());
        Assert.Equal(message["id"]!.GetValue<string>(), dispatch["message_id"]!.GetValue<string>());
        Assert.Single(sink.MessagesTo(to));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Implicit_tls_and_plain_connections_deliver(string kind)
    {
        await using var tls = SmtpSink.Start(SmtpSink.Security.ImplicitTls);
        await using var plain = SmtpSink.Start(SmtpSink.Security.None);
        var to = CourierHarness.Recipient();
        await using (var server = await CourierHarness.StartAsync(kind, Smtp(tls)))
        {
            await server.QueueAsync(CourierHarness.VerificationCode(to));
            Assert.True((await tls.WaitForMessageAsync(to)).Tls);
        }
        await using (var server = await CourierHarness.StartAsync(kind, Smtp(plain)))
        {
            await server.QueueAsync(CourierHarness.VerificationCode(to));
            Assert.False((await plain.WaitForMessageAsync(to)).Tls);
        }
    }

    [Fact]
    public async Task An_untrusted_certificate_is_refused_unless_skip_ssl_verify_and_the_reason_is_shown()
    {
        await using var sink = SmtpSink.Start(SmtpSink.Security.StartTls);
        var yaml = $"""
              smtp:
                connection_uri: "{sink.ConnectionUri(skipVerify: false)}"
            {CourierHarness.FastWorker}
            """;
        await using var server = await CourierHarness.StartAsync("sqlite", yaml);
        var to = CourierHarness.Recipient();
        await server.QueueAsync(CourierHarness.VerificationCode(to));

        var message = await server.WaitForMessageAsync(to, m => CourierHarness.Dispatches(m).Count >= 1);
        // Waiting for the next try (or already in it): not given up.
        Assert.Contains(CourierHarness.Status(message), new[] { "queued", "processing" });
        var error = CourierHarness.Dispatches(message)[0]!["error"]!;
        Assert.Contains("TLS", error["message"]!.GetValue<string>());
        Assert.Contains("skip_ssl_verify", error["message"]!.GetValue<string>());
        Assert.Empty(sink.Messages);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task A_refused_recipient_abandons_the_message_with_the_servers_answer(string kind)
    {
        await using var sink = SmtpSink.Start(SmtpSink.Security.None);
        sink.RecipientReply = 550;
        await using var server = await CourierHarness.StartAsync(kind, Smtp(sink));
        var to = CourierHarness.Recipient();
        await server.QueueAsync(CourierHarness.VerificationCode(to));

        var message = await server.WaitForMessageAsync(to, m => CourierHarness.Status(m) == "abandoned");
        Assert.Equal(1, message["send_count"]!.GetValue<int>());
        var dispatch = Assert.Single(CourierHarness.Dispatches(message))!;
        Assert.Equal("failed", dispatch["status"]!.GetValue<string>());
        Assert.Equal(550, dispatch["error"]!["details"]!["smtp_status_code"]!.GetValue<int>());
        Assert.Equal("the SMTP server refused the message", dispatch["error"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Wrong_credentials_are_retried_then_abandoned_with_every_attempt_recorded()
    {
        await using var sink = SmtpSink.Start(SmtpSink.Security.StartTls, user: "mailer", password: "right");
        var uri = sink.ConnectionUri().Replace(":right@", ":wrong@");
        var yaml = $"""
              message_retries: 2
              smtp:
                connection_uri: "{uri}"
            {CourierHarness.FastWorker}
            """;
        await using var server = await CourierHarness.StartAsync("sqlite", yaml);
        var to = CourierHarness.Recipient();
        await server.QueueAsync(CourierHarness.VerificationCode(to));

        var message = await server.WaitForMessageAsync(to, m => CourierHarness.Status(m) == "abandoned");
        Assert.Equal(3, message["send_count"]!.GetValue<int>());
        var dispatches = CourierHarness.Dispatches(message);
        Assert.Equal(3, dispatches.Count);
        Assert.All(dispatches, d => Assert.Contains("refused the credentials", d!["error"]!["message"]!.GetValue<string>()));
        Assert.Empty(sink.Messages);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Outage_then_recovery_delivers_every_queued_message_exactly_once(string kind)
    {
        await using var sink = SmtpSink.Start(SmtpSink.Security.StartTls);
        sink.Stop();
        await using var server = await CourierHarness.StartAsync(kind, Smtp(sink, "  message_retries: 8\n"));
        var recipients = Enumerable.Range(0, 6).Select(_ => CourierHarness.Recipient()).ToList();
        await server.QueueAsync(recipients.Select(r => CourierHarness.VerificationCode(r)).ToArray());

        // While the server is down the messages stay queued and failures are recorded with the reason.
        var first = await server.WaitForMessageAsync(recipients[0], m => CourierHarness.Dispatches(m).Count >= 1);
        Assert.Contains(CourierHarness.Status(first), new[] { "queued", "processing" });
        Assert.Contains("cannot connect", CourierHarness.Dispatches(first)[0]!["error"]!["message"]!.GetValue<string>());

        sink.Restart();
        foreach (var to in recipients)
            await sink.WaitForMessageAsync(to, TimeSpan.FromSeconds(30));
        foreach (var to in recipients)
            await server.WaitForMessageAsync(to, m => CourierHarness.Status(m) == "sent");
        await Task.Delay(300);
        Assert.Equal(recipients.Count, sink.Messages.Count);
        Assert.All(recipients, to => Assert.Single(sink.MessagesTo(to)));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task A_message_is_written_only_with_the_change_that_caused_it(string kind)
    {
        await using var sink = SmtpSink.Start(SmtpSink.Security.None);
        await using var server = await CourierHarness.StartAsync(kind, Smtp(sink));
        var to = CourierHarness.Recipient();
        var taken = CourierHarness.Recipient();
        await server.QueueAsync(CourierHarness.VerificationCode(taken));
        await sink.WaitForMessageAsync(taken);

        // The flow's change fails (a duplicate id): the message queued with it must not exist either.
        var id = Guid.NewGuid();
        await AddIdentity(server, id, CourierHarness.Recipient());
        using (var scope = server.Server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await scope.ServiceProvider.GetRequiredService<ICourierOutbox>().QueueAsync(CourierHarness.VerificationCode(to), CancellationToken.None);
            db.Add(NewIdentity(id, to));
            await Assert.ThrowsAnyAsync<Exception>(() => db.SaveChangesAsync());
        }
        await Task.Delay(300);
        Assert.Empty(await server.MessagesTo(to));
        Assert.Empty(sink.MessagesTo(to));
    }

    private static Identity NewIdentity(Guid id, string email) => new()
    {
        Id = id,
        SchemaId = "default",
        Traits = new JsonObject { ["email"] = email }.ToJsonString(),
        State = "active",
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };

    private static async Task AddIdentity(CourierHarness server, Guid id, string email)
    {
        using var scope = server.Server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.Add(NewIdentity(id, email));
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task The_mime_message_keeps_non_ascii_text()
    {
        await using var sink = SmtpSink.Start(SmtpSink.Security.None);
        var subject = Convert.ToBase64String(Encoding.UTF8.GetBytes("Grüße, {{ .To }} — ✓"));
        var yaml = $"""
              templates:
                verification_code:
                  valid:
                    email:
                      subject: base64://{subject}
            {Smtp(sink)}
            """;
        await using var server = await CourierHarness.StartAsync("sqlite", yaml);
        var to = CourierHarness.Recipient();
        await server.QueueAsync(CourierHarness.VerificationCode(to));
        var received = await sink.WaitForMessageAsync(to);
        Assert.Equal($"Grüße, {to} — ✓", received.Message.Subject);
    }
}
