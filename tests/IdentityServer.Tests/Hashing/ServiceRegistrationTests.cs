using IdentityServer.Security.Hashing;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Hashing;

public class ServiceRegistrationTests
{
    [Fact]
    public void Registered_services_share_the_options()
    {
        var options = new HasherOptions { BcryptCost = 4 };
        using var provider = new ServiceCollection().AddPasswordHashing(_ => options).BuildServiceProvider();

        var hash = provider.GetRequiredService<IPasswordHasher>().Hash("pw");
        var check = provider.GetRequiredService<PasswordCheck>();

        Assert.StartsWith("$2a$04$", hash);
        Assert.True(check.VerifyAndMaybeRehash("pw", hash, out var newHash));
        Assert.Null(newHash);

        options.BcryptCost = 5;
        Assert.True(check.VerifyAndMaybeRehash("pw", hash, out newHash));
        Assert.StartsWith("$2a$05$", newHash);
    }
}
