using System.Collections.Concurrent;
using IdentityServer.Identities;
using IdentityServer.SelfService.Flows.Verification;
using IdentityServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Flows;

/// <summary>
/// A server for the settings flow: a short privileged_session_max_age so that tests can let a session
/// grow too old, revoke_active_sessions after a password change, its own return URL for the password
/// method, verification switched on, and a verification sender that records what it was asked to send.
/// </summary>
public abstract class SettingsFlowFixture : FlowFixture
{
    public static readonly TimeSpan PrivilegedMaxAge = TimeSpan.FromSeconds(6);
    public const string PasswordChangedUrl = AppUrl + "/password-changed";

    public RecordingVerificationSender Verifications { get; } = new();

    protected virtual string RequiredAal => "highest_available";

    protected override string Hooks => $"""
            login:
              ui_url: http://127.0.0.1:4455/login
            registration:
              ui_url: http://127.0.0.1:4455/registration
              after:
                password:
                  hooks:
                    - hook: session
            verification:
              enabled: true
              ui_url: http://127.0.0.1:4455/verification
            settings:
              ui_url: http://127.0.0.1:4455/settings
              privileged_session_max_age: {(int)PrivilegedMaxAge.TotalSeconds}s
              required_aal: {RequiredAal}
              after:
                password:
                  default_browser_return_url: {PasswordChangedUrl}
                  hooks:
                    - hook: revoke_active_sessions
        """;

    protected override void AddServices(IServiceCollection services) => services.AddSingleton<IVerificationSender>(Verifications);
}

public sealed class PostgresSettingsFlowFixture : SettingsFlowFixture
{
    protected override Task<string> CreateDsnAsync() => TestDatabases.CreatePostgresAsync();
}

public sealed class SqliteSettingsFlowFixture : SettingsFlowFixture
{
    protected override Task<string> CreateDsnAsync() => Task.FromResult(TestDatabases.CreateSqlite());
}

/// <summary>The same server with `required_aal: aal1` for settings and whoami: a second factor is not asked for.</summary>
public abstract class Aal1SettingsFlowFixture : SettingsFlowFixture
{
    protected override string RequiredAal => "aal1";

    protected override string ExtraConfig => """
        session:
          whoami:
            required_aal: aal1
        """;
}

public sealed class PostgresAal1SettingsFlowFixture : Aal1SettingsFlowFixture
{
    protected override Task<string> CreateDsnAsync() => TestDatabases.CreatePostgresAsync();
}

public sealed class SqliteAal1SettingsFlowFixture : Aal1SettingsFlowFixture
{
    protected override Task<string> CreateDsnAsync() => Task.FromResult(TestDatabases.CreateSqlite());
}

/// <summary>
/// Stands in for the verification courier, which is not part of this server yet: it records, per
/// identity, the addresses the settings flow asked it to verify.
/// </summary>
public sealed class RecordingVerificationSender : IVerificationSender
{
    public ConcurrentDictionary<Guid, List<string>> Sent { get; } = new();

    public Task SendAsync(HttpContext http, Identity identity, IReadOnlyList<IdentityVerifiableAddress> addresses, CancellationToken ct)
    {
        Sent.AddOrUpdate(identity.Id, _ => addresses.Select(a => a.Value).ToList(), (_, list) => [.. list, .. addresses.Select(a => a.Value)]);
        return Task.CompletedTask;
    }
}
