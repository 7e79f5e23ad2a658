using IdentityServer.SelfService.Hooks;
using IdentityServer.Tests.Infrastructure;
using IdentityServer.Text;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Flows;

/// <summary>
/// A server whose flows run hooks: login refuses unverified addresses and revokes other sessions;
/// registration signs in and continues into verification. The breach check talks to a loopback stub
/// and network errors are not ignored.
/// </summary>
public abstract class HookFlowFixture : FlowFixture
{
    public BreachStub Breaches { get; private set; } = null!;

    protected override async Task BeforeStartAsync() => Breaches = await BreachStub.StartAsync();

    protected override string PasswordConfig => $"""
        haveibeenpwned_enabled: true
                haveibeenpwned_host: {Breaches.Url}
                ignore_network_errors: false
        """;

    protected override string Hooks => """
            verification:
              enabled: true
              ui_url: http://127.0.0.1:4455/verification
            registration:
              ui_url: http://127.0.0.1:4455/registration
              after:
                password:
                  hooks:
                    - hook: web_hook
                      config:
                        url: http://127.0.0.1:9/not-called
                        method: POST
                    - hook: session
                    - hook: show_verification_ui
            login:
              ui_url: http://127.0.0.1:4455/login
              after:
                password:
                  hooks:
                    - hook: require_verified_address
                    - hook: revoke_active_sessions
        """;

    protected override void AddServices(IServiceCollection services) => services.AddScoped<IFlowHook, RefusingWebHook>();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Breaches.DisposeAsync();
    }
}

public sealed class PostgresHookFlowFixture : HookFlowFixture
{
    protected override Task<string> CreateDsnAsync() => TestDatabases.CreatePostgresAsync();
}

public sealed class SqliteHookFlowFixture : HookFlowFixture
{
    protected override Task<string> CreateDsnAsync() => Task.FromResult(TestDatabases.CreateSqlite());
}

/// <summary>
/// Stands in for `web_hook` the way a real one answers: after an await, it refuses registrations of
/// addresses at blocked.example.com with a message for the form.
/// </summary>
public sealed class RefusingWebHook : IFlowHook
{
    public string Name => "web_hook";

    public async Task<HookResult> RunAsync(HookContext context, CancellationToken ct)
    {
        await Task.Yield();
        var email = System.Text.Json.Nodes.JsonNode.Parse(context.Identity!.Traits)!["email"]!.GetValue<string>();
        return email.EndsWith("@blocked.example.com", StringComparison.Ordinal)
            ? HookResult.Interrupt(Messages.ValidationGeneric("This address may not sign up."))
            : HookResult.Continue;
    }
}
