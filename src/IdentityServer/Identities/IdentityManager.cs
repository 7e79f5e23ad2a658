using System.Text.Json.Nodes;
using IdentityServer.Errors;
using IdentityServer.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace IdentityServer.Identities;

/// <summary>
/// Creates, replaces and deletes identities: validates traits against the schema, derives
/// identifiers and addresses, hashes or imports passwords, and writes everything in one
/// transaction. A duplicate identifier is a 409 and leaves nothing behind.
/// </summary>
public sealed class IdentityManager(AppDbContext db, IIdentitySchemas schemas, IPasswordHashing hashing, TimeProvider clock)
{
    public static readonly KratosError Conflict =
        new(409, KratosError.DefaultMessage(409), reason: "This identity conflicts with another identity that already exists.");

    public Task<Identity?> FindAsync(Guid id, CancellationToken ct) =>
        WithEverything(db.Identities).SingleOrDefaultAsync(i => i.Id == id, ct);

    public Task<Identity?> FindByExternalIdAsync(string externalId, CancellationToken ct) =>
        WithEverything(db.Identities).SingleOrDefaultAsync(i => i.ExternalId == externalId, ct);

    public static IQueryable<Identity> WithEverything(IQueryable<Identity> query) => query
        .Include(i => i.Credentials).ThenInclude(c => c.Identifiers)
        .Include(i => i.VerifiableAddresses)
        .Include(i => i.RecoveryAddresses)
        .AsSplitQuery();

    public async Task<Identity> CreateAsync(IdentityDraft draft, CancellationToken ct)
    {
        var identity = await BuildAsync(draft, existing: null, ct);
        db.Identities.Add(identity);
        await SaveAsync(ct);
        return identity;
    }

    /// <summary>
    /// Creates many identities: each draft is checked on its own, the valid ones are written in one
    /// transaction, and only when that hits a conflict are they written one by one so that each
    /// item gets its own result. Returns, per draft, the identity or the error.
    /// </summary>
    public async Task<IReadOnlyList<(Identity? Identity, KratosError? Error)>> CreateManyAsync(IReadOnlyList<Func<IdentityDraft>> drafts, CancellationToken ct)
    {
        var results = new (Identity? Identity, KratosError? Error)[drafts.Count];
        for (var i = 0; i < drafts.Count; i++)
        {
            try { results[i] = (await BuildAsync(drafts[i](), existing: null, ct), null); }
            catch (KratosError e) { results[i] = (null, e); }
        }
        var valid = results.Where(r => r.Identity is not null).Select(r => r.Identity!).ToList();
        db.Identities.AddRange(valid);
        try
        {
            await db.SaveChangesAsync(ct);
            return results;
        }
        catch (DbUpdateException e) when (IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
        }
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].Identity is not { } identity) continue;
            db.Identities.Add(identity);
            try { await SaveAsync(ct); }
            catch (KratosError conflict) { results[i] = (null, conflict); }
        }
        return results;
    }

    public async Task<Identity> ReplaceAsync(Identity existing, IdentityDraft draft, CancellationToken ct)
    {
        await BuildAsync(draft, existing, ct);
        await SaveAsync(ct);
        return existing;
    }

    /// <summary>
    /// Changes a tracked identity as the draft says (traits, derived identifiers and addresses, a new
    /// password) without saving, so that a caller can add more to the same unit of work and then call
    /// <see cref="SaveChangesAsync"/>. On failure the caller discards its changes (ChangeTracker.Clear).
    /// </summary>
    public async Task ApplyAsync(Identity existing, IdentityDraft draft, CancellationToken ct) => await BuildAsync(draft, existing, ct);

    /// <summary>Saves the unit of work; a duplicate identifier or address is <see cref="Conflict"/> and nothing is written.</summary>
    public Task SaveChangesAsync(CancellationToken ct) => SaveAsync(ct);

    public async Task DeleteAsync(Identity identity, CancellationToken ct)
    {
        db.Identities.Remove(identity);
        await db.SaveChangesAsync(ct);
    }

    public async Task DeleteCredentialAsync(Identity identity, string type, string? identifier, CancellationToken ct)
    {
        if (type is "password" or "code")
            throw KratosError.BadRequest($"You cannot remove {type} credentials through this API.");
        var credential = identity.Credentials.SingleOrDefault(c => c.Type == type)
            ?? throw KratosError.NotFound($"The identity has no {type} credentials.");
        if (type is "oidc" or "saml")
        {
            if (string.IsNullOrEmpty(identifier))
                throw KratosError.BadRequest($"The identifier query parameter is required to remove {type} credentials.");
            var match = credential.Identifiers.SingleOrDefault(i => i.Identifier == identifier)
                ?? throw KratosError.NotFound($"The identity has no {type} credential with the identifier {identifier}.");
            credential.Identifiers.Remove(match);
            var config = JsonNode.Parse(credential.Config) as JsonObject ?? new JsonObject();
            if (config["providers"] is JsonArray providers)
            {
                foreach (var p in providers.Where(p => $"{p?["provider"]}:{p?["subject"]}" == identifier).ToList())
                    providers.Remove(p);
            }
            credential.Config = config.ToJsonString();
            credential.UpdatedAt = Now;
            if (credential.Identifiers.Count == 0)
                identity.Credentials.Remove(credential);
        }
        else
        {
            identity.Credentials.Remove(credential);
        }
        identity.UpdatedAt = Now;
        AvailableAal.Refresh(identity);
        await SaveAsync(ct);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Turns a draft into the identity's rows; for an update, changes `existing` in place.</summary>
    private async Task<Identity> BuildAsync(IdentityDraft draft, Identity? existing, CancellationToken ct)
    {
        var now = Now;
        var schemaId = string.IsNullOrEmpty(draft.SchemaId) ? existing?.SchemaId ?? schemas.DefaultSchemaId : draft.SchemaId;
        if (!schemas.Exists(schemaId))
            throw KratosError.BadRequest($"The identity schema \"{schemaId}\" does not exist; the configuration lists the schemas under identity.schemas.");
        var check = await schemas.CheckAsync(schemaId, draft.Traits, ct);
        if (check.Problems.Count > 0)
            throw TraitsInvalid(check.Problems);

        var identity = existing ?? new Identity { Id = Guid.NewGuid(), CreatedAt = now, State = IdentityStates.Active, StateChangedAt = now };
        identity.SchemaId = schemaId;
        identity.Traits = draft.Traits.ToJsonString();
        var state = draft.State ?? identity.State;
        if (state != identity.State || existing is null)
            identity.StateChangedAt = now;
        identity.State = state;
        if (existing is null || draft.HasMetadataPublic)
            identity.MetadataPublic = draft.MetadataPublic?.ToJsonString();
        if (existing is null || draft.HasMetadataAdmin)
            identity.MetadataAdmin = draft.MetadataAdmin?.ToJsonString();
        if (existing is null || draft.HasExternalId)
            identity.ExternalId = draft.ExternalId;
        if (draft.OrganizationId is not null)
            identity.OrganizationId = draft.OrganizationId;
        identity.UpdatedAt = now;

        MergeVerifiableAddresses(identity, check.Derived.VerifiableAddresses, draft.VerifiableAddresses, now);
        MergeRecoveryAddresses(identity, check.Derived.RecoveryAddresses, now);
        ApplyCredentials(identity, draft, check.Derived.Identifiers, check.Derived.CodeAddresses, now);
        AvailableAal.Refresh(identity);
        return identity;
    }

    private static KratosError TraitsInvalid(IReadOnlyList<TraitProblem> problems)
    {
        var messages = new JsonArray(problems.Select(p => (JsonNode)new JsonObject
        {
            ["pointer"] = p.Pointer,
            ["id"] = p.MessageId,
            ["text"] = p.Text,
            ["type"] = "error",
            ["context"] = p.Context?.DeepClone(),
        }).ToArray());
        var reason = "The traits do not match the identity schema: " + string.Join("; ", problems.Select(p => $"{p.Pointer}: {p.Text}"));
        return new KratosError(400, KratosError.DefaultMessage(400), reason: reason, details: new JsonObject { ["messages"] = messages });
    }

    private static void MergeVerifiableAddresses(Identity identity, IReadOnlyList<(string Via, string Value)> derived,
        List<ImportedVerifiableAddress>? imported, DateTime now)
    {
        var keep = new List<IdentityVerifiableAddress>();
        foreach (var (via, value) in derived.Distinct())
        {
            // An address whose value did not change keeps its verification state.
            var address = identity.VerifiableAddresses.FirstOrDefault(a => a.Via == via && a.Value == value)
                ?? new IdentityVerifiableAddress { Id = Guid.NewGuid(), IdentityId = identity.Id, Via = via, Value = value, Status = "pending", CreatedAt = now, UpdatedAt = now };
            var import = imported?.FirstOrDefault(i => i.Via == via && string.Equals(i.Value.Trim(), value, StringComparison.OrdinalIgnoreCase));
            if (import is not null)
            {
                address.Verified = import.Verified;
                address.Status = import.Verified ? "completed" : import.Status;
                address.VerifiedAt = import.Verified ? import.VerifiedAt ?? now : null;
                address.UpdatedAt = now;
            }
            keep.Add(address);
        }
        identity.VerifiableAddresses.RemoveAll(a => !keep.Contains(a));
        foreach (var a in keep.Where(a => !identity.VerifiableAddresses.Contains(a)))
            identity.VerifiableAddresses.Add(a);
    }

    private static void MergeRecoveryAddresses(Identity identity, IReadOnlyList<(string Via, string Value)> derived, DateTime now)
    {
        var keep = derived.Distinct().Select(d =>
            identity.RecoveryAddresses.FirstOrDefault(a => a.Via == d.Via && a.Value == d.Value)
            ?? new IdentityRecoveryAddress { Id = Guid.NewGuid(), IdentityId = identity.Id, Via = d.Via, Value = d.Value, CreatedAt = now, UpdatedAt = now }).ToList();
        identity.RecoveryAddresses.RemoveAll(a => !keep.Contains(a));
        foreach (var a in keep.Where(a => !identity.RecoveryAddresses.Contains(a)))
            identity.RecoveryAddresses.Add(a);
    }

    private void ApplyCredentials(Identity identity, IdentityDraft draft, IReadOnlyDictionary<string, IReadOnlyList<string>> derived,
        IReadOnlyList<(string Channel, string Address)> codeAddresses, DateTime now)
    {
        if (draft.HashedPassword is { } hashed && hashing.ImportProblem(hashed) is { } problem)
            throw KratosError.BadRequest("The field `credentials.password.config.hashed_password` cannot be imported: " + problem);
        var passwordHash = draft.Password is { } plain ? hashing.Hash(plain) : draft.HashedPassword;
        if (passwordHash is not null)
            Upsert(identity, "password", new JsonObject { ["hashed_password"] = passwordHash }.ToJsonString(), now);

        if (draft.OidcProviders is { } providers)
        {
            var config = new JsonObject
            {
                ["providers"] = new JsonArray(providers.Select(p => (JsonNode)new JsonObject { ["provider"] = p.Provider, ["subject"] = p.Subject }).ToArray()),
            };
            var credential = Upsert(identity, "oidc", config.ToJsonString(), now);
            SetIdentifiers(credential, providers.Select(p => $"{p.Provider}:{p.Subject}"), now);
        }

        // Second factors are bound to the identity itself: their identifier is the identity's id.
        if (draft.TotpUrl is { } totpUrl)
        {
            var totp = Upsert(identity, "totp", new JsonObject { ["totp_url"] = totpUrl }.ToJsonString(), now);
            SetIdentifiers(totp, [identity.Id.ToString()], now);
        }
        if (draft.LookupCodes is { } codes)
        {
            var list = new JsonArray(codes.Select(c => (JsonNode)new JsonObject
            {
                ["code"] = c.Code,
                ["used_at"] = c.UsedAt is { } at ? IdentityJson.Time(at) : null,
            }).ToArray());
            var lookup = Upsert(identity, "lookup_secret", new JsonObject { ["recovery_codes"] = list }.ToJsonString(), now);
            SetIdentifiers(lookup, [identity.Id.ToString()], now);
        }

        // As in Kratos, a trait marked as an identifier gives the identity that credential type
        // (with an empty config until a secret is set), so lookups by identifier always work.
        foreach (var type in new[] { "password", "webauthn" })
        {
            if (derived.TryGetValue(type, out var ids) && ids.Count > 0 && identity.Credentials.All(c => c.Type != type))
                Upsert(identity, type, "{}", now);
        }
        if (derived.TryGetValue("code", out var codeIds) && codeIds.Count > 0)
        {
            var addresses = new JsonArray(codeAddresses.Select(a => (JsonNode)new JsonObject { ["channel"] = a.Channel, ["address"] = a.Address }).ToArray());
            var code = Upsert(identity, "code", new JsonObject { ["addresses"] = addresses }.ToJsonString(), now);
            code.Version = 1;
        }

        foreach (var credential in identity.Credentials)
        {
            if (credential.Type is "oidc" or "saml" or "totp" or "lookup_secret") continue;
            var identifiers = derived.TryGetValue(credential.Type, out var list) ? list : [];
            SetIdentifiers(credential, identifiers, now);
        }
    }

    private static IdentityCredential Upsert(Identity identity, string type, string config, DateTime now)
    {
        var credential = identity.Credentials.FirstOrDefault(c => c.Type == type);
        if (credential is null)
        {
            credential = new IdentityCredential { Id = Guid.NewGuid(), IdentityId = identity.Id, Type = type, CreatedAt = now };
            identity.Credentials.Add(credential);
        }
        credential.Config = config;
        credential.UpdatedAt = now;
        return credential;
    }

    private static void SetIdentifiers(IdentityCredential credential, IEnumerable<string> identifiers, DateTime now)
    {
        var wanted = identifiers.Distinct().ToList();
        credential.Identifiers.RemoveAll(i => !wanted.Contains(i.Identifier));
        foreach (var value in wanted.Where(v => credential.Identifiers.All(i => i.Identifier != v)))
            credential.Identifiers.Add(new IdentityCredentialIdentifier
            {
                Id = Guid.NewGuid(), IdentityCredentialId = credential.Id, CredentialType = credential.Type,
                Identifier = value, CreatedAt = now, UpdatedAt = now,
            });
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            throw Conflict;
        }
    }

    public static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };
}
