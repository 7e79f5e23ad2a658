using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using IdentityServer.Config;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace IdentityServer.Courier.Smtp;

/// <summary>Sends one email over SMTP with MailKit: plaintext and HTML as multipart/alternative.</summary>
public sealed class SmtpSender(ILogger<SmtpSender> log)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<DispatchFailure?> SendAsync(SmtpOptions smtp, CourierMessage message, string? html, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(smtp.ConnectionUri))
            return DispatchFailure.Transient("the courier is not configured",
                "courier.smtp.connection_uri is not set, so there is no mail server to send to; set it (or courier.delivery_strategy: http with courier.http.request_config)");
        SmtpConnection connection;
        try { connection = SmtpConnection.Parse(smtp.ConnectionUri); }
        catch (FormatException e) { return DispatchFailure.Transient("the courier is not configured", e.Message); }

        var mime = Build(smtp, message, html);
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds, LocalDomain = smtp.LocalName };
        if (connection.SkipCertificateCheck)
            client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        AddClientCertificate(client, smtp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout * 3);
        var stage = "connect";
        try
        {
            await ConnectAsync(client, connection, timeout.Token);
            if (connection.Username is { Length: > 0 } user)
            {
                stage = "authenticate";
                await client.AuthenticateAsync(user, connection.Password ?? "", timeout.Token);
            }
            stage = "send";
            await client.SendAsync(mime, timeout.Token);
            stage = "quit";
            await client.DisconnectAsync(true, timeout.Token);
            return null;
        }
        catch (SmtpCommandException e)
        {
            var details = new JsonObject
            {
                ["smtp_server"] = connection.Describe(),
                ["smtp_status_code"] = (int)e.StatusCode,
                ["smtp_error"] = e.ErrorCode.ToString(),
            };
            if (e.Mailbox is not null) details["mailbox"] = e.Mailbox.Address;
            var text = $"the SMTP server {connection.Host} answered {(int)e.StatusCode}: {e.Message}";
            // 5xx is the server's final word on this message (unknown recipient, refused sender): trying
            // again cannot help. 4xx asks to try later.
            return (int)e.StatusCode >= 500
                ? DispatchFailure.Permanent("the SMTP server refused the message", text, details)
                : DispatchFailure.Transient("the SMTP server asked to try again later", text, details);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return DispatchFailure.Transient("failed to send email via smtp", Explain(e, stage, connection),
                new JsonObject { ["smtp_server"] = connection.Describe(), ["stage"] = stage });
        }
    }

    private static async Task ConnectAsync(SmtpClient client, SmtpConnection connection, CancellationToken ct)
    {
        if (connection.ServerName == connection.Host)
        {
            await client.ConnectAsync(connection.Host, connection.Port, connection.Security, ct);
            return;
        }
        // The certificate names another host than the one dialled: connect the socket ourselves and
        // give MailKit the name to check the certificate against.
        var port = connection.Port != 0 ? connection.Port : connection.Security == SecureSocketOptions.SslOnConnect ? 465 : 25;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(connection.Host, port, ct);
            await client.ConnectAsync(socket, connection.ServerName, port, connection.Security, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string Explain(Exception e, string stage, SmtpConnection connection)
    {
        var where = connection.Describe();
        return e switch
        {
            SslHandshakeException => $"TLS with {where} failed: {FirstLine(e.Message)} (for a self-signed test server add ?skip_ssl_verify=true to the connection URI)",
            AuthenticationException => $"{where} refused the credentials from the connection URI: {e.Message}",
            NotSupportedException when connection.Security == SecureSocketOptions.StartTls =>
                $"{where} does not offer STARTTLS, which smtp:// requires; use smtps:// or add ?disable_starttls=true to send without encryption",
            OperationCanceledException or TimeoutException => $"{where} did not answer in time ({stage})",
            SocketException or IOException => $"cannot {stage} to {where}: {e.Message}",
            _ => $"{stage} with {where} failed: {e.Message}",
        };
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    private void AddClientCertificate(SmtpClient client, SmtpOptions smtp)
    {
        if (string.IsNullOrEmpty(smtp.ClientCertPath) || string.IsNullOrEmpty(smtp.ClientKeyPath))
            return;
        try
        {
            client.ClientCertificates = [X509Certificate2.CreateFromPemFile(smtp.ClientCertPath, smtp.ClientKeyPath)];
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            log.LogError("Cannot load the SMTP client certificate {Cert} with key {Key}: {Error}; connecting without it",
                smtp.ClientCertPath, smtp.ClientKeyPath, e.Message);
        }
    }

    public static MimeMessage Build(SmtpOptions smtp, CourierMessage message, string? html)
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(smtp.FromName ?? "", smtp.FromAddress));
        mime.To.Add(MailboxAddress.Parse(message.Recipient));
        mime.Subject = message.Subject;
        foreach (var (name, value) in smtp.Headers)
            mime.Headers[name] = value;
        var body = new BodyBuilder { TextBody = message.Body };
        if (!string.IsNullOrEmpty(html))
            body.HtmlBody = html;
        mime.Body = body.ToMessageBody();
        return mime;
    }
}
