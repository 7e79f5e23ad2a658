using IdentityServer.Config;
using IdentityServer.Hosting;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IdentityServer.Sessions;

/// <summary>Registers and maps everything about sessions, logout and CORS.</summary>
public static class SessionsModule
{
    /// <param name="devMode">`serve --dev`: session cookies are not marked Secure even on an https base URL.</param>
    public static IServiceCollection AddSessions(this IServiceCollection services, bool devMode)
    {
        services.AddSingleton(sp => new SessionCookie(sp.GetRequiredService<ConfigStore>(), devMode));
        services.AddSingleton<SessionCache>();
        services.AddSingleton<SessionChangePublisher>();
        services.AddSingleton<SessionCacheInvalidation>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(sp => sp.GetRequiredService<SessionCacheInvalidation>());
        services.AddSingleton<SessionCacheListener>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionCacheListener>());
        services.AddScoped<SessionService>();
        services.AddScoped<ISessionService>(sp => sp.GetRequiredService<SessionService>());
        services.AddScoped<IWhoamiAalPolicy, WhoamiAalPolicy>();
        services.AddCors();
        services.Replace(ServiceDescriptor.Singleton<ICorsPolicyProvider, PublicCorsPolicyProvider>());
        return services;
    }

    /// <summary>Adds the CORS middleware (after routing) and maps the public, admin and logout endpoints.</summary>
    public static void MapSessions(this WebApplication app)
    {
        app.UseCors();
        SessionEndpoints.Map(app.MapPublic());
        LogoutEndpoints.Map(app.MapPublic());
        AdminSessionEndpoints.Map(app.MapAdmin());
    }
}
