using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Security.Hashing;

public static class HashingServiceCollectionExtensions
{
    /// <summary>Registers the hasher, verifier and <see cref="PasswordCheck"/>; options are read on every use.</summary>
    public static IServiceCollection AddPasswordHashing(this IServiceCollection services, Func<IServiceProvider, HasherOptions> options)
    {
        services.AddSingleton<IPasswordHasher>(sp => new PasswordHasher(() => options(sp)));
        services.AddSingleton(sp => new PasswordVerifier(() => options(sp), sp.GetRequiredService<IPasswordHasher>()));
        services.AddSingleton(sp => new PasswordCheck(sp.GetRequiredService<PasswordVerifier>(), sp.GetRequiredService<IPasswordHasher>()));
        return services;
    }
}
