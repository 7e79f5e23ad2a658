namespace IdentityServer.Tests.Flows;

/// <summary>The messages delivered during a test run, waited for by recipient.</summary>
public sealed class Mailbox
{
    private readonly List<ReceivedMail> _delivered = [];
    private readonly HashSet<ReceivedMail> _taken = [];

    public void Deliver(ReceivedMail mail)
    {
        lock (_delivered) _delivered.Add(mail);
    }

    /// <summary>The next message to <paramref name="to"/> not returned before; fails after the timeout.</summary>
    public async Task<ReceivedMail> NextAsync(string to, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            lock (_delivered)
            {
                var mail = _delivered.FirstOrDefault(m => string.Equals(m.To, to, StringComparison.OrdinalIgnoreCase) && !_taken.Contains(m));
                if (mail is not null)
                {
                    _taken.Add(mail);
                    return mail;
                }
            }
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"no message to {to} arrived");
            await Task.Delay(50);
        }
    }

    /// <summary>How many messages to <paramref name="to"/> arrived so far.</summary>
    public int CountTo(string to)
    {
        lock (_delivered) return _delivered.Count(m => string.Equals(m.To, to, StringComparison.OrdinalIgnoreCase));
    }
}
