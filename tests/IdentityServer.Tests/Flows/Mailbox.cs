using IdentityServer.Tests.Infrastructure;

namespace IdentityServer.Tests.Flows;

/// <summary>The messages the courier delivered to an SMTP sink, read as their recipients read them.</summary>
public sealed class Mailbox(SmtpSink sink)
{
    private readonly HashSet<SmtpSink.Received> _taken = [];

    public string ConnectionUri => sink.ConnectionUri();

    /// <summary>The next message to <paramref name="to"/> not returned before; fails after the timeout.</summary>
    public async Task<ReceivedMail> NextAsync(string to, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            lock (_taken)
            {
                var received = sink.MessagesTo(to).FirstOrDefault(m => !_taken.Contains(m));
                if (received is not null)
                {
                    _taken.Add(received);
                    var message = received.Message;
                    return new ReceivedMail(to, message.Subject ?? "", message.TextBody ?? message.HtmlBody ?? "");
                }
            }
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"no message to {to} arrived");
            await Task.Delay(25);
        }
    }

    /// <summary>How many messages to <paramref name="to"/> were delivered so far.</summary>
    public int CountTo(string to) => sink.MessagesTo(to).Count;
}
