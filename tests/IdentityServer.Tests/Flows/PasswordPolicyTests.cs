using IdentityServer.Config;
using IdentityServer.SelfService.Strategies.Password;

namespace IdentityServer.Tests.Flows;

public sealed class PasswordPolicyTests
{
    private sealed class Clients : IHttpClientFactory
    {
        public int Created { get; private set; }

        public HttpClient CreateClient(string name)
        {
            Created++;
            return new HttpClient();
        }
    }

    // Nothing listens on port 9 of loopback here, so the breach service cannot be reached.
    private static PasswordMethodConfig Unreachable(bool ignore) => new()
    {
        HaveibeenpwnedEnabled = true, HaveibeenpwnedHost = "http://127.0.0.1:9", IgnoreNetworkErrors = ignore,
    };

    private static readonly PasswordPolicy Policy = new(new BreachCheck(new Clients(), TimeProvider.System));

    [Fact]
    public async Task Unreachable_breach_service_is_ignored_by_default_and_refused_when_configured()
    {
        Assert.True(new PasswordMethodConfig().IgnoreNetworkErrors);
        Assert.Null(await Policy.CheckAsync(Unreachable(ignore: true), "ada@example.com", "correct horse battery", default));
        var refused = await Policy.CheckAsync(Unreachable(ignore: false), "ada@example.com", "correct horse battery", default);
        Assert.Equal(4000005, refused!.Id);
    }

    [Fact]
    public async Task Unreachable_breach_service_is_not_asked_again_for_a_minute()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var clients = new Clients();
        var check = new BreachCheck(clients, clock);
        var first = await check.CountAsync("http://127.0.0.1:9", "correct horse battery", default);
        Assert.NotNull(first.Failure);

        // While the service is remembered as unreachable the answer comes without a connection attempt.
        var second = await check.CountAsync("http://127.0.0.1:9", "correct horse battery", default);
        Assert.Equal(first.Failure, second.Failure);
        Assert.Equal(1, clients.Created);

        clock.Now += BreachCheck.RetryUnreachableAfter;
        await check.CountAsync("http://127.0.0.1:9", "correct horse battery", default);
        Assert.Equal(2, clients.Created);
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Theory]
    [InlineData("ada@example.com", "ada@example.com1", true)]
    [InlineData("ada@example.com", "ADA@EXAMPLE.COM", true)]
    [InlineData("ada@example.com", "xada@examplx", true)]
    [InlineData("ada@example.com", "correct horse battery", false)]
    public void Identifier_similarity(string identifier, string password, bool similar) =>
        Assert.Equal(similar, PasswordPolicy.TooSimilar(identifier, password));

    [Fact]
    public async Task Minimum_length_counts_bytes_like_kratos()
    {
        var config = new PasswordMethodConfig { HaveibeenpwnedEnabled = false, MinPasswordLength = 10 };
        var message = await Policy.CheckAsync(config, "", "short", default);
        Assert.Equal(4000032, message!.Id);
        Assert.Equal(5, message.Context!["actual_length"]!.GetValue<int>());
        Assert.Null(await Policy.CheckAsync(config, "", "long enough!", default));
    }
}
