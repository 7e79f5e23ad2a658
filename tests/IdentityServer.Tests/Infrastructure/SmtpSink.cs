using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MimeKit;

namespace IdentityServer.Tests.Infrastructure;

/// <summary>
/// A small SMTP server on loopback for tests. It speaks real SMTP (EHLO, STARTTLS with a self-signed
/// certificate made at start, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT), or TLS from the
/// first byte for smtps://, and keeps every message it accepted. Tests wait for a message to a recipient
/// and read it with MimeKit. It can be stopped and started again on the same port (an outage), and told
/// to refuse senders or recipients with a reply code.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    public enum Security
    {
        /// <summary>Plain connection that offers STARTTLS (what smtp:// expects).</summary>
        StartTls,
        /// <summary>TLS from the first byte (smtps://).</summary>
        ImplicitTls,
        /// <summary>No TLS at all (smtp://...?disable_starttls=true).</summary>
        None,
    }

    /// <summary>One accepted message with its envelope and how it arrived.</summary>
    public sealed record Received(string MailFrom, IReadOnlyList<string> Recipients, byte[] Raw, bool Tls, string? User, string? ClientName)
    {
        public MimeMessage Message { get; } = MimeMessage.Load(new MemoryStream(Raw));
    }

    private readonly Security _security;
    private readonly (string User, string Password)? _credentials;
    private readonly X509Certificate2 _certificate;
    private readonly List<Received> _received = [];
    private readonly List<TcpClient> _connections = [];
    private readonly Lock _lock = new();
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    private SmtpSink(Security security, (string, string)? credentials)
    {
        _security = security;
        _credentials = credentials;
        _certificate = CreateCertificate();
    }

    public int Port { get; private set; }

    /// <summary>Reply code for MAIL FROM (e.g. 451 to ask for a later try); null accepts.</summary>
    public int? MailReply { get; set; }
    /// <summary>How long the server takes to accept message data (makes concurrent senders overlap).</summary>
    public TimeSpan DataDelay { get; set; }
    /// <summary>Reply code for RCPT TO (e.g. 550 for an unknown mailbox); null accepts.</summary>
    public int? RecipientReply { get; set; }

    public IReadOnlyList<Received> Messages
    {
        get { lock (_lock) return _received.ToList(); }
    }

    public static SmtpSink Start(Security security = Security.StartTls, string? user = null, string? password = null)
    {
        var sink = new SmtpSink(security, user is null ? null : (user, password ?? ""));
        sink.Listen(0);
        return sink;
    }

    /// <summary>The connection URI for courier.smtp.connection_uri; the certificate is self-signed, so TLS modes skip the check.</summary>
    public string ConnectionUri(bool skipVerify = true)
    {
        var scheme = _security == Security.ImplicitTls ? "smtps" : "smtp";
        var auth = _credentials is { } c ? $"{Uri.EscapeDataString(c.User)}:{Uri.EscapeDataString(c.Password)}@" : "";
        var query = new List<string>();
        if (_security == Security.None) query.Add("disable_starttls=true");
        if (skipVerify && _security != Security.None) query.Add("skip_ssl_verify=true");
        return $"{scheme}://{auth}127.0.0.1:{Port}/{(query.Count > 0 ? "?" + string.Join("&", query) : "")}";
    }

    public IReadOnlyList<Received> MessagesTo(string recipient) =>
        Messages.Where(m => m.Recipients.Contains(recipient, StringComparer.OrdinalIgnoreCase)).ToList();

    public async Task<Received> WaitForMessageAsync(string recipient, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < until)
        {
            if (MessagesTo(recipient).FirstOrDefault() is { } message)
                return message;
            await Task.Delay(20);
        }
        throw new TimeoutException($"no message to {recipient} arrived; the sink holds {Messages.Count} messages to {string.Join(", ", Messages.SelectMany(m => m.Recipients))}");
    }

    /// <summary>Closes the port and every open connection: clients now get "connection refused".</summary>
    public void Stop()
    {
        _stop.Cancel();
        _listener?.Stop();
        _listener = null;
        lock (_lock)
        {
            foreach (var c in _connections) c.Dispose();
            _connections.Clear();
        }
    }

    /// <summary>Listens again on the same port after <see cref="Stop"/>.</summary>
    public void Restart()
    {
        _stop = new CancellationTokenSource();
        Listen(Port);
    }

    private void Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        var stop = _stop.Token;
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await listener.AcceptTcpClientAsync(stop); }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
                lock (_lock) _connections.Add(client);
                _ = Task.Run(() => ServeAsync(client, stop));
            }
        });
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stop)
    {
        try
        {
            using (client)
                await new Session(this, client.GetStream(), stop).RunAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException
            or System.Security.Authentication.AuthenticationException or FormatException)
        {
            // The client went away, refused the certificate, sent garbage, or the sink was stopped.
        }
        finally
        {
            lock (_lock) _connections.Remove(client);
        }
    }

    private void Store(Received message)
    {
        lock (_lock) _received.Add(message);
    }

    /// <summary>One SMTP conversation.</summary>
    private sealed class Session(SmtpSink sink, Stream network, CancellationToken stop)
    {
        private Stream _stream = network;
        private LineReader _reader = new(network);
        private bool _tls;
        private string? _user;
        private string? _clientName;
        private string? _mailFrom;
        private readonly List<string> _recipients = [];

        public async Task RunAsync()
        {
            if (sink._security == Security.ImplicitTls)
                await StartTlsAsync();
            await ReplyAsync("220 sink.test ESMTP ready");
            while (!stop.IsCancellationRequested)
            {
                var line = await _reader.ReadLineAsync(stop);
                if (line is null) return;
                var text = Encoding.UTF8.GetString(line);
                var verb = text.Split(' ', 2)[0].ToUpperInvariant();
                var argument = text.Length > verb.Length ? text[(verb.Length + 1)..] : "";
                switch (verb)
                {
                    case "EHLO":
                        _clientName = argument.Trim();
                        await EhloAsync();
                        break;
                    case "HELO":
                        _clientName = argument.Trim();
                        await ReplyAsync("250 sink.test");
                        break;
                    case "STARTTLS" when sink._security == Security.StartTls && !_tls:
                        await ReplyAsync("220 2.0.0 ready to start TLS");
                        await StartTlsAsync();
                        Reset();
                        _clientName = null;
                        break;
                    case "AUTH" when sink._credentials is not null:
                        await AuthAsync(argument);
                        break;
                    case "MAIL":
                        await MailAsync(argument);
                        break;
                    case "RCPT":
                        await RecipientAsync(argument);
                        break;
                    case "DATA":
                        await DataAsync();
                        break;
                    case "RSET":
                        Reset();
                        await ReplyAsync("250 2.0.0 reset");
                        break;
                    case "NOOP":
                        await ReplyAsync("250 2.0.0 ok");
                        break;
                    case "QUIT":
                        await ReplyAsync("221 2.0.0 bye");
                        return;
                    default:
                        await ReplyAsync("502 5.5.2 command not recognized");
                        break;
                }
            }
        }

        private async Task EhloAsync()
        {
            var lines = new List<string> { "sink.test", "8BITMIME", "PIPELINING", "SIZE 10485760" };
            if (sink._security == Security.StartTls && !_tls) lines.Add("STARTTLS");
            if (sink._credentials is not null) lines.Add("AUTH PLAIN LOGIN");
            for (var i = 0; i < lines.Count; i++)
                await ReplyAsync((i == lines.Count - 1 ? "250 " : "250-") + lines[i]);
        }

        private async Task StartTlsAsync()
        {
            var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = sink._certificate }, stop);
            _stream = ssl;
            _reader = new LineReader(ssl);
            _tls = true;
        }

        private async Task AuthAsync(string argument)
        {
            var parts = argument.Split(' ', 2);
            string user, password;
            if (parts[0].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
            {
                var initial = parts.Length > 1 ? parts[1] : await ChallengeAsync("");
                var fields = Encoding.UTF8.GetString(Convert.FromBase64String(initial)).Split('\0');
                (user, password) = (fields.Length > 1 ? fields[1] : "", fields.Length > 2 ? fields[2] : "");
            }
            else if (parts[0].Equals("LOGIN", StringComparison.OrdinalIgnoreCase))
            {
                user = Encoding.UTF8.GetString(Convert.FromBase64String(parts.Length > 1 ? parts[1] : await ChallengeAsync("VXNlcm5hbWU6")));
                password = Encoding.UTF8.GetString(Convert.FromBase64String(await ChallengeAsync("UGFzc3dvcmQ6")));
            }
            else
            {
                await ReplyAsync("504 5.5.4 mechanism not supported");
                return;
            }
            if (sink._credentials is { } expected && user == expected.User && password == expected.Password)
            {
                _user = user;
                await ReplyAsync("235 2.7.0 authenticated");
            }
            else
            {
                await ReplyAsync("535 5.7.8 authentication credentials invalid");
            }
        }

        private async Task<string> ChallengeAsync(string prompt)
        {
            await ReplyAsync("334 " + prompt);
            var line = await _reader.ReadLineAsync(stop) ?? throw new IOException("client left during AUTH");
            return Encoding.ASCII.GetString(line);
        }

        private async Task MailAsync(string argument)
        {
            if (sink._credentials is not null && _user is null)
            {
                await ReplyAsync("530 5.7.0 authentication required");
                return;
            }
            if (sink.MailReply is { } code)
            {
                await ReplyAsync($"{code} {(code >= 500 ? "5" : "4")}.7.1 sender not accepted now");
                return;
            }
            Reset();
            _mailFrom = Address(argument);
            await ReplyAsync("250 2.1.0 sender ok");
        }

        private async Task RecipientAsync(string argument)
        {
            if (_mailFrom is null)
            {
                await ReplyAsync("503 5.5.1 MAIL first");
                return;
            }
            if (sink.RecipientReply is { } code)
            {
                await ReplyAsync($"{code} {(code >= 500 ? "5" : "4")}.1.1 mailbox unavailable");
                return;
            }
            _recipients.Add(Address(argument));
            await ReplyAsync("250 2.1.5 recipient ok");
        }

        private async Task DataAsync()
        {
            if (_mailFrom is null || _recipients.Count == 0)
            {
                await ReplyAsync("503 5.5.1 RCPT first");
                return;
            }
            await ReplyAsync("354 end data with <CR><LF>.<CR><LF>");
            using var raw = new MemoryStream();
            while (true)
            {
                var line = await _reader.ReadLineAsync(stop) ?? throw new IOException("client left during DATA");
                if (line is [(byte)'.'])
                    break;
                var start = line.Length > 0 && line[0] == '.' ? 1 : 0;
                raw.Write(line, start, line.Length - start);
                raw.Write("\r\n"u8);
            }
            if (sink.DataDelay > TimeSpan.Zero)
                await Task.Delay(sink.DataDelay, stop);
            sink.Store(new Received(_mailFrom, _recipients.ToList(), raw.ToArray(), _tls, _user, _clientName));
            Reset();
            await ReplyAsync("250 2.0.0 queued");
        }

        private void Reset()
        {
            _mailFrom = null;
            _recipients.Clear();
        }

        /// <summary>The address inside MAIL FROM:&lt;a@b&gt; or RCPT TO:&lt;a@b&gt; (parameters after it ignored).</summary>
        private static string Address(string argument)
        {
            var open = argument.IndexOf('<');
            var close = argument.IndexOf('>', open + 1);
            return open >= 0 && close > open ? argument[(open + 1)..close] : argument[(argument.IndexOf(':') + 1)..].Trim();
        }

        private async Task ReplyAsync(string line)
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), stop);
            await _stream.FlushAsync(stop);
        }
    }

    /// <summary>Reads CRLF-terminated lines as bytes, so message data keeps its exact octets.</summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[8192];
        private int _start;
        private int _end;

        public async Task<byte[]?> ReadLineAsync(CancellationToken ct)
        {
            using var line = new MemoryStream();
            while (true)
            {
                for (var i = _start; i < _end; i++)
                {
                    if (_buffer[i] != '\n') continue;
                    line.Write(_buffer, _start, i - _start);
                    _start = i + 1;
                    var bytes = line.ToArray();
                    return bytes.Length > 0 && bytes[^1] == '\r' ? bytes[..^1] : bytes;
                }
                line.Write(_buffer, _start, _end - _start);
                _start = 0;
                _end = await stream.ReadAsync(_buffer, ct);
                if (_end == 0)
                    return null;
            }
        }
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Reloaded from PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _certificate.Dispose();
        return ValueTask.CompletedTask;
    }
}
