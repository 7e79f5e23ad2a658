using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IdentityServer.Errors;
using IdentityServer.Persistence;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Identities;

/// <summary>
/// `GET /admin/identities`: Kratos's filters and keyset pagination (ordered by id), plus an
/// exact-match filter on traits (`traits.email=...` or `trait=email:...`) that PostgreSQL
/// answers from a GIN index on the traits column.
/// </summary>
public sealed partial class IdentityList
{
    public const int DefaultPageSize = 250;
    public const int MaxPageSize = 500;
    public const int MaxIds = 500;

    public int PageSize { get; private init; } = DefaultPageSize;
    public Guid? After { get; private init; }
    public IReadOnlyList<Guid> Ids { get; private init; } = [];
    public string? CredentialsIdentifier { get; private init; }
    public string? SimilarIdentifier { get; private init; }
    public Guid? OrganizationId { get; private init; }
    public IReadOnlyList<(string[] Path, string Value)> Traits { get; private init; } = [];
    public IReadOnlyList<string> IncludeCredential { get; private init; } = [];

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex TraitSegment();

    public static IdentityList FromQuery(IQueryCollection query)
    {
        var pageSize = DefaultPageSize;
        var sizeText = query["page_size"].LastOrDefault() ?? query["per_page"].LastOrDefault();
        if (sizeText is not null && (!int.TryParse(sizeText, out pageSize) || pageSize < 1 || pageSize > MaxPageSize))
            throw KratosError.BadRequest($"page_size must be a whole number from 1 to {MaxPageSize}, not \"{sizeText}\".");

        Guid? after = null;
        if (query["page_token"].LastOrDefault() is { Length: > 0 } token)
            after = DecodeToken(token);

        var ids = new List<Guid>();
        foreach (var value in query["ids"])
            ids.Add(Guid.TryParse(value, out var g) ? g : throw KratosError.BadRequest($"ids must be UUIDs; \"{value}\" is not one."));
        if (ids.Count > MaxIds)
            throw KratosError.BadRequest($"ids takes at most {MaxIds} values.");

        Guid? organization = null;
        if (query["organization_id"].LastOrDefault() is { Length: > 0 } org)
            organization = Guid.TryParse(org, out var o) ? o : throw KratosError.BadRequest("organization_id must be a UUID.");

        var identifier = query["credentials_identifier"].LastOrDefault();
        var similar = query["preview_credentials_identifier_similar"].LastOrDefault();
        if (!string.IsNullOrEmpty(identifier) && !string.IsNullOrEmpty(similar))
            throw KratosError.BadRequest("Give credentials_identifier or preview_credentials_identifier_similar, not both.");

        var traits = new List<(string[], string)>();
        foreach (var (key, values) in query)
        {
            if (key.StartsWith("traits.", StringComparison.Ordinal))
                foreach (var v in values) traits.Add((TraitPath(key["traits.".Length..]), v ?? ""));
        }
        foreach (var spec in query["trait"])
        {
            var colon = spec?.IndexOf(':') ?? -1;
            if (colon <= 0) throw KratosError.BadRequest($"trait takes path:value, as in trait=email:a@example.com; \"{spec}\" is not of that form.");
            traits.Add((TraitPath(spec![..colon]), spec[(colon + 1)..]));
        }

        return new IdentityList
        {
            PageSize = pageSize, After = after, Ids = ids, OrganizationId = organization,
            CredentialsIdentifier = string.IsNullOrEmpty(identifier) ? null : identifier,
            SimilarIdentifier = string.IsNullOrEmpty(similar) ? null : similar,
            Traits = traits,
            IncludeCredential = query["include_credential"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList(),
        };
    }

    private static string[] TraitPath(string path)
    {
        var segments = path.Split('.');
        if (segments.Any(s => !TraitSegment().IsMatch(s)))
            throw KratosError.BadRequest($"The trait path \"{path}\" must be dot-separated names of letters, digits, _ and -.");
        return segments;
    }

    public static string EncodeToken(Guid lastId) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["k"] = lastId.ToString() }.ToJsonString()))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Guid DecodeToken(string token)
    {
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var json = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(padded)));
            if (json?["k"]?.GetValue<string>() is { } k && Guid.TryParse(k, out var id))
                return id;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException) { }
        throw KratosError.BadRequest("The page_token is malformed; use the token from the Link header of the previous page.");
    }

    public async Task<(List<Identity> Page, Guid? Next)> RunAsync(AppDbContext db, CancellationToken ct)
    {
        var query = TraitFiltered(db);
        if (Ids.Count > 0) query = query.Where(i => Ids.Contains(i.Id));
        if (OrganizationId is { } org) query = query.Where(i => i.OrganizationId == org);
        // Written as `id IN (identifiers joined to credentials)`: a correlated EXISTS makes
        // PostgreSQL walk every identity.
        if (CredentialsIdentifier is { } exact)
        {
            var lowered = exact.Trim().ToLowerInvariant();
            var owners = OwnersOf(db, db.IdentityCredentialIdentifiers.Where(x => x.Identifier == exact || x.Identifier == lowered));
            query = query.Where(i => owners.Contains(i.Id));
        }
        if (SimilarIdentifier is { } similar)
        {
            var pattern = "%" + similar.ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            var owners = OwnersOf(db, db.IdentityCredentialIdentifiers.Where(x => EF.Functions.Like(x.Identifier.ToLower(), pattern, "\\")));
            query = query.Where(i => owners.Contains(i.Id));
        }
        if (After is { } after)
            query = query.Where(i => i.Id.CompareTo(after) > 0);
        query = query.OrderBy(i => i.Id).Take(PageSize + 1);
        if (IncludeCredential.Count > 0)
            query = query.Include(i => i.Credentials).ThenInclude(c => c.Identifiers);
        var page = await query
            .Include(i => i.VerifiableAddresses)
            .Include(i => i.RecoveryAddresses)
            .AsSplitQuery().AsNoTracking().ToListAsync(ct);
        Guid? next = null;
        if (page.Count > PageSize)
        {
            page.RemoveAt(page.Count - 1);
            next = page[^1].Id;
        }
        return (page, next);
    }

    private static IQueryable<Guid> OwnersOf(AppDbContext db, IQueryable<IdentityCredentialIdentifier> identifiers) =>
        identifiers.Join(db.IdentityCredentials, x => x.IdentityCredentialId, c => c.Id, (x, c) => c.IdentityId);

    private IQueryable<Identity> TraitFiltered(AppDbContext db)
    {
        if (Traits.Count == 0)
            return db.Identities;
        if (db is PostgresDbContext)
        {
            // One containment document for all filters: traits @> '{"email":"a@example.com"}'.
            var document = new JsonObject();
            foreach (var (path, value) in Traits)
            {
                var node = document;
                foreach (var segment in path[..^1])
                {
                    if (node[segment] is not JsonObject child) node[segment] = child = new JsonObject();
                    node = child;
                }
                node[path[^1]] = value;
            }
            return db.Identities.FromSqlInterpolated($"SELECT * FROM identities WHERE traits @> {document.ToJsonString()}::jsonb");
        }
        IQueryable<Identity> query = db.Identities;
        foreach (var (path, value) in Traits)
        {
            var jsonPath = "$." + string.Join('.', path.Select(s => "\"" + s + "\""));
            query = query.Where(i => SqliteJson.Extract(i.Traits, jsonPath) == value);
        }
        return query;
    }
}
