using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.Identities;
using IdentityServer.Persistence;
using IdentityServer.SelfService.Flows;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Sessions;

/// <summary>
/// `required_aal` of whoami and settings: `aal1` accepts every session; `highest_available` asks an
/// aal1 session for the second factor when the identity has one.
/// </summary>
public static class RequiredAal
{
    public const string HighestAvailable = "highest_available";

    public static bool IsSatisfied(string sessionAal, string identityAvailableAal, string required) =>
        sessionAal == AvailableAal.Aal2 || required != HighestAvailable || identityAvailableAal != AvailableAal.Aal2;

    /// <summary>403 session_aal2_required; redirect_browser_to starts a login for the second factor that returns to <paramref name="returnTo"/>.</summary>
    public static FlowError Aal2Required(Uri publicBaseUrl, string? returnTo)
    {
        var query = "?aal=aal2" + (returnTo is null ? "" : "&return_to=" + Uri.EscapeDataString(returnTo));
        var redirect = PublicUrls.Combine(publicBaseUrl, "/self-service/login/browser" + query);
        return new FlowError(403, "Session does not fulfill the requested Authenticator Assurance Level", "session_aal2_required",
            "An active session was found but it does not fulfill the requested Authenticator Assurance Level. Please verify yourself with a second factor to resolve this issue.",
            new JsonObject { ["redirect_browser_to"] = redirect },
            new JsonObject { ["redirect_browser_to"] = redirect });
    }
}

/// <summary>
/// The whoami check. It reads the identity's stored available AAL; identities stored before the column
/// was kept get it computed from their credentials once and written back.
/// </summary>
public sealed class WhoamiAalPolicy(ConfigStore config, IServiceProvider services, SessionCacheInvalidation invalidation) : IWhoamiAalPolicy
{
    // Taken only when needed: most checks need no database.
    private AppDbContext? _db;
    private AppDbContext db => _db ??= services.GetRequiredService<AppDbContext>();

    public async Task<KratosError?> CheckAsync(HttpContext http, SessionRecord session, CancellationToken ct)
    {
        var required = config.Current.Session.Whoami.RequiredAal;
        if (session.Aal == AvailableAal.Aal2 || required != RequiredAal.HighestAvailable)
            return null;
        var available = session.Identity?.AvailableAal ?? await StoreAvailableAalAsync(session.IdentityId, ct);
        if (available != AvailableAal.Aal2 && config.Current.SelfService.Methods.Code.MfaEnabled)
            available = AvailableAal.Of(await CredentialsAsync(session.IdentityId, ct), codeIsSecondFactor: true);
        return RequiredAal.IsSatisfied(session.Aal, available, required)
            ? null
            : RequiredAal.Aal2Required(PublicUrls.BaseUrl(config.Current, http), null);
    }

    private Task<List<IdentityCredential>> CredentialsAsync(Guid identityId, CancellationToken ct) =>
        db.IdentityCredentials.AsNoTracking().Include(c => c.Identifiers).Where(c => c.IdentityId == identityId).ToListAsync(ct);

    private async Task<string> StoreAvailableAalAsync(Guid identityId, CancellationToken ct)
    {
        var available = AvailableAal.Of(await CredentialsAsync(identityId, ct));
        await db.Identities.Where(i => i.Id == identityId && i.AvailableAal == null)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.AvailableAal, available), ct);
        await invalidation.IdentityChangedAsync(db, identityId, ct);
        return available;
    }
}
