using System.Collections.Concurrent;
using System.Text;

namespace IdentityServer.Identities.Schemas;

/// <summary>
/// The identity schemas from configuration (<c>identity.schemas[]</c> and <c>identity.default_schema_id</c>).
/// Documents are loaded on first use and cached.
/// </summary>
public sealed class IdentitySchemaRegistry
{
    private readonly IReadOnlyList<(string Id, string Url)> _schemas;
    private readonly IdentitySchemaLoader _loader;
    private readonly ConcurrentDictionary<string, Lazy<Task<IdentitySchema>>> _cache = new();

    public IdentitySchemaRegistry(IReadOnlyList<(string Id, string Url)> schemas, string defaultSchemaId = "default",
        HttpClient? httpClient = null)
    {
        _schemas = schemas;
        DefaultSchemaId = string.IsNullOrEmpty(defaultSchemaId) ? "default" : defaultSchemaId;
        _loader = new IdentitySchemaLoader(httpClient);
    }

    public string DefaultSchemaId { get; }

    /// <summary>Configured schemas in configuration order.</summary>
    public IReadOnlyList<(string Id, string Url)> Schemas => _schemas;

    public int Count => _schemas.Count;

    /// <summary>
    /// The configured id a request id refers to: an empty id means the default schema, and ids may
    /// also be given base64url-encoded (the form used in schema URLs).
    /// </summary>
    public bool TryResolveId(string? id, out string resolved)
    {
        var wanted = string.IsNullOrEmpty(id) ? DefaultSchemaId : id;
        foreach (var (schemaId, _) in _schemas)
        {
            if (schemaId == wanted)
            {
                resolved = schemaId;
                return true;
            }
        }
        if (TryDecodeId(wanted, out var decoded))
        {
            foreach (var (schemaId, _) in _schemas)
            {
                if (schemaId == decoded)
                {
                    resolved = schemaId;
                    return true;
                }
            }
        }
        resolved = "";
        return false;
    }

    /// <summary>Loads (once) and returns a schema by id.</summary>
    /// <exception cref="UnknownIdentitySchemaException">No such schema is configured.</exception>
    /// <exception cref="IdentitySchemaLoadException">The schema could not be loaded.</exception>
    public async Task<IdentitySchema> GetAsync(string? id, CancellationToken cancellationToken = default)
    {
        if (!TryResolveId(id, out var resolved))
        {
            throw new UnknownIdentitySchemaException(string.IsNullOrEmpty(id) ? DefaultSchemaId : id);
        }
        var url = _schemas.First(s => s.Id == resolved).Url;
        var entry = _cache.GetOrAdd(resolved, key => new Lazy<Task<IdentitySchema>>(() => LoadAsync(key, url)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch (IdentitySchemaLoadException)
        {
            // Do not cache failures: the file or remote server may be fixed without a restart.
            _cache.TryRemove(new KeyValuePair<string, Lazy<Task<IdentitySchema>>>(resolved, entry));
            throw;
        }
    }

    public Task<IdentitySchema> GetDefaultAsync(CancellationToken cancellationToken = default) =>
        GetAsync(DefaultSchemaId, cancellationToken);

    /// <summary>One page of schemas in configuration order; <paramref name="page"/> starts at 0.</summary>
    public async Task<IReadOnlyList<IdentitySchema>> ListAsync(int page, int perPage, CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 0);
        perPage = Math.Max(perPage, 1);
        var slice = _schemas.Skip((int)Math.Min((long)page * perPage, int.MaxValue)).Take(perPage).ToList();
        var result = new List<IdentitySchema>(slice.Count);
        foreach (var (schemaId, _) in slice)
        {
            result.Add(await GetAsync(schemaId, cancellationToken));
        }
        return result;
    }

    /// <summary>The id as it appears in schema URLs (<c>/schemas/{encoded}</c>): unpadded base64url.</summary>
    public static string EncodeId(string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(id)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecodeId(string encoded, out string id)
    {
        id = "";
        if (encoded.Length == 0 || encoded.Length % 4 == 1 || encoded.Contains('=') || encoded.Contains('+') || encoded.Contains('/'))
        {
            return false;
        }
        var padded = encoded.Replace('-', '+').Replace('_', '/');
        padded = padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '=');
        try
        {
            id = new UTF8Encoding(false, true).GetString(Convert.FromBase64String(padded));
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }

    private async Task<IdentitySchema> LoadAsync(string id, string url)
    {
        var json = await _loader.LoadAsync(id, url);
        return await IdentitySchema.ParseAsync(id, url, json);
    }
}
