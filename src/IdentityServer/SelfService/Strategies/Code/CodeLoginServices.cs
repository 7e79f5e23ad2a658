namespace IdentityServer.SelfService.Strategies.Code;

public static class CodeLoginServices
{
    /// <summary>
    /// Login and registration by one-time code. Call before the password strategy is registered:
    /// strategies fill forms in registration order, and Kratos shows the code group before the password group.
    /// </summary>
    public static IServiceCollection AddCodeLoginAndRegistration(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<LoginCodeStore>();
        services.AddScoped<LoginCodeMessages>();
        services.AddScoped<Flows.ILoginStrategy, CodeLogin>();
        services.AddScoped<Flows.IRegistrationStrategy, CodeRegistration>();
        return services;
    }
}
