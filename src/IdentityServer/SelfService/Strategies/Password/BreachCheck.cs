using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace IdentityServer.SelfService.Strategies.Password;

/// <summary>
/// The Have I Been Pwned range query (k-anonymity): only the first five hex digits of the password's
/// SHA-1 leave the server. A host written with a scheme (http://...) is used as is; a bare host name
/// is called over https. When the service cannot be reached, it is not asked again for a minute, so
/// that a server without internet access does not make every registration wait for the timeout.
/// </summary>
public sealed class BreachCheck(IHttpClientFactory clients, TimeProvider clock)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan RetryUnreachableAfter = TimeSpan.FromMinutes(1);
    private const string Unreachable = "the breach database could not be reached";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _unreachableUntil = new();

    /// <summary>How often the password was found, or a failure text when the service could not be asked.</summary>
    public sealed record Result(long Count, string? Failure);

    public async Task<Result> CountAsync(string host, string password, CancellationToken ct)
    {
        var baseUrl = host.Contains("://", StringComparison.Ordinal) ? host.TrimEnd('/') : "https://" + host;
        if (_unreachableUntil.TryGetValue(baseUrl, out var until) && clock.GetUtcNow() < until)
            return new Result(0, Unreachable);
        var hash = Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(password)));
        var prefix = hash[..5];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await clients.CreateClient(nameof(BreachCheck)).GetAsync($"{baseUrl}/range/{prefix}", timeout.Token);
            if (!response.IsSuccessStatusCode)
                return new Result(0, $"the breach database answered with status {(int)response.StatusCode}");
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            foreach (var line in body.Split('\n'))
            {
                var parts = line.Trim().Split(':');
                if (!string.Equals(prefix + parts[0], hash, StringComparison.OrdinalIgnoreCase)) continue;
                // A row without a count is counted once, as the service sometimes omits it.
                return new Result(parts.Length == 2 && long.TryParse(parts[1].Replace(",", ""), out var n) ? n : 1, null);
            }
            return new Result(0, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            _unreachableUntil[baseUrl] = clock.GetUtcNow() + RetryUnreachableAfter;
            return new Result(0, Unreachable);
        }
    }
}
