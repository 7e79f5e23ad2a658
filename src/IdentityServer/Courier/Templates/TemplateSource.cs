using System.Collections.Concurrent;
using System.Text;

namespace IdentityServer.Courier.Templates;

/// <summary>Raised when a template or request body cannot be loaded or rendered; the message says which and why.</summary>
public sealed class CourierTemplateException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads the text behind a configured location, as Kratos's fetcher does: `file://path`, `base64://...`
/// or `http(s)://...`. Files are read on every use so an edited template applies at once; remote texts
/// are kept for a few minutes.
/// </summary>
public sealed class TemplateSource(IHttpClientFactory clients, TimeProvider time)
{
    public const string HttpClientName = "courier";
    private static readonly TimeSpan RemoteCacheTime = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (string Text, DateTimeOffset Until)> _remote = new();

    public async Task<string> ReadAsync(string location, CancellationToken ct)
    {
        if (location.StartsWith("base64://", StringComparison.OrdinalIgnoreCase))
            return DecodeBase64(location["base64://".Length..], location);
        if (location.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
            return await ReadFileAsync(FilePath(location), location, ct);
        if (location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            return await ReadRemoteAsync(location, ct);
        if (!location.Contains("://", StringComparison.Ordinal))
            return await ReadFileAsync(location, location, ct);
        throw new CourierTemplateException($"{location}: unsupported location; use file://, base64:// or http(s)://");
    }

    /// <summary>file:///abs/path and file://relative/path (Kratos accepts both).</summary>
    private static string FilePath(string location)
    {
        var rest = location["file://".Length..];
        return Uri.UnescapeDataString(rest);
    }

    private static async Task<string> ReadFileAsync(string path, string location, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllTextAsync(path, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CourierTemplateException($"{location}: cannot read the file: {e.Message}", e);
        }
    }

    private static string DecodeBase64(string data, string location)
    {
        var text = data.Trim().Replace('-', '+').Replace('_', '/');
        text += new string('=', (4 - text.Length % 4) % 4);
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException e)
        {
            throw new CourierTemplateException($"{Shorten(location)}: the base64 data is malformed", e);
        }
    }

    private async Task<string> ReadRemoteAsync(string url, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_remote.TryGetValue(url, out var hit) && hit.Until > now)
            return hit.Text;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync(url, timeout.Token);
            if (!response.IsSuccessStatusCode)
                throw new CourierTemplateException($"{url}: the server answered with status {(int)response.StatusCode}");
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            _remote[url] = (text, now + RemoteCacheTime);
            return text;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new CourierTemplateException($"{url}: cannot fetch: {(e is OperationCanceledException ? "no answer within 10 seconds" : e.Message)}", e);
        }
    }

    /// <summary>base64 locations can be long; errors name only their start.</summary>
    public static string Shorten(string location) => location.Length <= 60 ? location : location[..60] + "...";
}
