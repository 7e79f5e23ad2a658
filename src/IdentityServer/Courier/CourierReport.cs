using IdentityServer.Config;
using IdentityServer.Courier.Smtp;

namespace IdentityServer.Courier;

/// <summary>
/// The start-up lines that say where messages go, and a loud warning when flows that send messages are
/// enabled but nothing would deliver them: the first thing to check when "no email arrived".
/// </summary>
public static class CourierReport
{
    public static IEnumerable<(bool Warning, string Text)> Lines(KratosConfig config)
    {
        var courier = config.Courier;
        var flows = config.SelfService.Flows;
        var sending = new List<string>();
        if (flows.Verification.Enabled) sending.Add("verification");
        if (flows.Recovery.Enabled) sending.Add("recovery");
        var http = string.Equals(courier.DeliveryStrategy, "http", StringComparison.OrdinalIgnoreCase);
        string? emailTarget;
        string? problem = null;
        if (http)
        {
            emailTarget = courier.Http.RequestConfig?.Url is { Length: > 0 } url ? $"HTTP {courier.Http.RequestConfig.Method} {url}" : null;
            if (emailTarget is null) problem = "courier.delivery_strategy is http but courier.http.request_config.url is not set";
        }
        else if (string.IsNullOrWhiteSpace(courier.Smtp.ConnectionUri))
        {
            emailTarget = null;
            problem = "courier.smtp.connection_uri is not set";
        }
        else
        {
            try { emailTarget = "SMTP " + SmtpConnection.Parse(courier.Smtp.ConnectionUri).Describe(); }
            catch (FormatException e) { emailTarget = null; problem = e.Message; }
        }
        var sms = courier.Channels.FirstOrDefault(c => c.Id == OutgoingMessage.Sms)?.RequestConfig.Url;
        if (emailTarget is not null)
            yield return (false, $"Courier: emails go to {emailTarget} from {courier.Smtp.FromAddress}; SMS {(sms is null ? "are not configured (courier.channels)" : "go to " + sms)}");
        else if (sending.Count > 0)
            yield return (true, $"Courier: {string.Join(" and ", sending)} {(sending.Count > 1 ? "are" : "is")} enabled but NO EMAIL CAN BE SENT: {problem}. Messages are queued and retried, then abandoned; see GET /admin/courier/messages for each message's error.");
        else
            yield return (false, $"Courier: no email delivery is configured ({problem}); messages that flows queue will not be delivered");
    }
}
