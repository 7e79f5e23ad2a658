using IdentityServer.Config;
using CorsOptions = IdentityServer.Config.CorsOptions;
using IdentityServer.Hosting;
using Microsoft.AspNetCore.Cors.Infrastructure;

namespace IdentityServer.Sessions;

/// <summary>
/// CORS for the public listener from serve.public.cors, read on each request so that a reloaded
/// configuration applies. The admin listener never answers cross-origin requests.
/// </summary>
public sealed class PublicCorsPolicyProvider(ConfigStore config) : ICorsPolicyProvider
{
    private sealed record Built(CorsOptions From, CorsPolicy Policy);

    // Replaced as a whole, so a request never sees a policy built from other options.
    private Built? _built;

    public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        var options = config.Current.Serve.Public.Cors;
        if (!options.Enabled || Listeners.Of(context) != Listener.Public)
            return Task.FromResult<CorsPolicy?>(null);
        var built = _built;
        if (built is null || !ReferenceEquals(built.From, options))
            _built = built = new Built(options, Build(options));
        return Task.FromResult<CorsPolicy?>(built.Policy);
    }

    public static CorsPolicy Build(CorsOptions options)
    {
        var patterns = options.AllowedOrigins.Select(OriginPattern.Parse).ToList();
        var builder = new CorsPolicyBuilder()
            .SetIsOriginAllowed(origin => patterns.Any(p => p.Matches(origin)))
            .WithMethods([.. options.AllowedMethods])
            .WithHeaders([.. options.AllowedHeaders])
            .WithExposedHeaders([.. options.ExposedHeaders]);
        if (options.AllowCredentials)
            builder.AllowCredentials();
        if (options.MaxAge > 0)
            builder.SetPreflightMaxAge(TimeSpan.FromSeconds(options.MaxAge));
        return builder.Build();
    }
}

/// <summary>An allowed origin with at most one `*` (as in `https://*.example.com`, or `*` for any).</summary>
public sealed record OriginPattern(string Prefix, string? Suffix)
{
    public static OriginPattern Parse(string pattern)
    {
        var star = pattern.IndexOf('*');
        return star < 0
            ? new OriginPattern(pattern.ToLowerInvariant(), null)
            : new OriginPattern(pattern[..star].ToLowerInvariant(), pattern[(star + 1)..].ToLowerInvariant());
    }

    public bool Matches(string origin)
    {
        var o = origin.ToLowerInvariant();
        if (Suffix is null)
            return o == Prefix;
        return o.Length >= Prefix.Length + Suffix.Length && o.StartsWith(Prefix, StringComparison.Ordinal) && o.EndsWith(Suffix, StringComparison.Ordinal);
    }
}
