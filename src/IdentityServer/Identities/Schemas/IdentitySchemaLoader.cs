using System.Text;

namespace IdentityServer.Identities.Schemas;

/// <summary>Fetches schema documents from the URL forms the configuration allows.</summary>
public sealed class IdentitySchemaLoader(HttpClient? httpClient = null)
{
    // Schemas are small; anything larger is a misconfiguration or an attack.
    private const int MaxSchemaBytes = 1024 * 1024;

    private readonly HttpClient _http = httpClient ?? new HttpClient();

    /// <summary>Reads the document behind a <c>file://</c>, <c>base64://</c> or <c>http(s)://</c> URL.</summary>
    public async Task<string> LoadAsync(string id, string url, CancellationToken cancellationToken = default)
    {
        if (url.StartsWith("base64://", StringComparison.OrdinalIgnoreCase))
        {
            return DecodeBase64(id, url["base64://".Length..]);
        }
        if (url.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            return await ReadFileAsync(id, FilePath(url), cancellationToken);
        }
        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return await FetchAsync(id, url, cancellationToken);
        }
        throw new IdentitySchemaLoadException(id, $"unsupported URL `{url}`; use file://, base64:// or http(s)://");
    }

    /// <summary>
    /// The local path of a <c>file://</c> URL. <c>file:///etc/x.json</c> is absolute;
    /// <c>file://x.json</c> or <c>file://./x.json</c> are relative to the current directory.
    /// </summary>
    public static string FilePath(string url)
    {
        var rest = Uri.UnescapeDataString(url["file://".Length..]);
        return Path.IsPathRooted(rest) ? rest : Path.GetFullPath(rest, Directory.GetCurrentDirectory());
    }

    private static string DecodeBase64(string id, string encoded)
    {
        // Accept both the standard and the URL-safe alphabet, with or without padding.
        var normalized = encoded.Trim().Replace('-', '+').Replace('_', '/');
        normalized = normalized.PadRight(normalized.Length + (4 - normalized.Length % 4) % 4, '=');
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(normalized));
        }
        catch (FormatException e)
        {
            throw new IdentitySchemaLoadException(id, "the base64:// URL does not contain valid base64", e);
        }
    }

    private static async Task<string> ReadFileAsync(string id, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IdentitySchemaLoadException(id, $"could not read schema file: {e.Message}", e);
        }
    }

    private async Task<string> FetchAsync(string id, string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new IdentitySchemaLoadException(id, $"fetching {url} returned HTTP {(int)response.StatusCode}");
            }
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxSchemaBytes)
                {
                    throw new IdentitySchemaLoadException(id, $"the schema at {url} is larger than {MaxSchemaBytes} bytes");
                }
            }
            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (HttpRequestException e)
        {
            throw new IdentitySchemaLoadException(id, $"could not fetch {url}: {e.Message}", e);
        }
    }
}
