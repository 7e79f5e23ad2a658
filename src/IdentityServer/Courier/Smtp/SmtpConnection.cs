using MailKit.Security;

namespace IdentityServer.Courier.Smtp;

/// <summary>
/// `courier.smtp.connection_uri` read as Kratos reads it: `smtp://` uses STARTTLS and refuses to send
/// without it unless `?disable_starttls=true`; `smtps://` is TLS from the first byte;
/// `?skip_ssl_verify=true` accepts any server certificate; `?server_name=` names the certificate's host;
/// user and password in the URI are the credentials.
/// </summary>
public sealed record SmtpConnection(
    string Scheme, string Host, int Port, string? Username, string? Password,
    SecureSocketOptions Security, bool SkipCertificateCheck, string ServerName)
{
    public static SmtpConnection Parse(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("smtp" or "smtps") || parsed.Host.Length == 0)
            throw new FormatException("courier.smtp.connection_uri must look like smtp://user:password@host:port/ or smtps://host:port/");
        var query = ParseQuery(parsed.Query);
        string? user = null, password = null;
        if (parsed.UserInfo.Length > 0)
        {
            var parts = parsed.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
        }
        var security = parsed.Scheme == "smtps"
            ? SecureSocketOptions.SslOnConnect
            : IsTrue(query, "disable_starttls") ? SecureSocketOptions.None : SecureSocketOptions.StartTls;
        var host = parsed.Host.Trim('[', ']');
        return new SmtpConnection(parsed.Scheme, host, parsed.IsDefaultPort ? 0 : parsed.Port, user, password, security,
            IsTrue(query, "skip_ssl_verify"), query.GetValueOrDefault("server_name") is { Length: > 0 } name ? name : host);
    }

    /// <summary>Where mail goes, without the password, for logs.</summary>
    public string Describe()
    {
        var tls = Security switch
        {
            SecureSocketOptions.SslOnConnect => "implicit TLS",
            SecureSocketOptions.StartTls => "STARTTLS required",
            _ => "no TLS",
        };
        var port = Port == 0 ? (Security == SecureSocketOptions.SslOnConnect ? 465 : 25) : Port;
        var user = Username is { Length: > 0 } ? $"{Username}@" : "";
        return $"{Scheme}://{user}{Host}:{port} ({tls}{(SkipCertificateCheck ? ", certificate not checked" : "")})";
    }

    private static bool IsTrue(Dictionary<string, string> query, string key) =>
        query.TryGetValue(key, out var v) && (v is "1" or "t" or "T" || string.Equals(v, "true", StringComparison.OrdinalIgnoreCase));

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>();
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            result[Uri.UnescapeDataString(kv[0])] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
        }
        return result;
    }
}
