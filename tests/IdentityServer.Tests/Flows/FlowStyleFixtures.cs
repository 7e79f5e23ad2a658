using IdentityServer.Tests.Infrastructure;

namespace IdentityServer.Tests.Flows;

/// <summary>
/// The other form styles: identifier-first login (without account enumeration mitigation) next to the legacy
/// one-step registration form.
/// </summary>
public abstract class IdentifierFirstFlowFixture : FlowFixture
{
    protected override string Hooks => """
            login:
              ui_url: http://127.0.0.1:4455/login
              style: identifier_first
            registration:
              ui_url: http://127.0.0.1:4455/registration
              enable_legacy_one_step: true
              after:
                password:
                  hooks:
                    - hook: session
        """;
}

public sealed class PostgresIdentifierFirstFlowFixture : IdentifierFirstFlowFixture
{
    protected override Task<string> CreateDsnAsync() => TestDatabases.CreatePostgresAsync();
}

public sealed class SqliteIdentifierFirstFlowFixture : IdentifierFirstFlowFixture
{
    protected override Task<string> CreateDsnAsync() => Task.FromResult(TestDatabases.CreateSqlite());
}

/// <summary>Identifier-first login with `security.account_enumeration.mitigate`, and registration written as `style: unified`.</summary>
public abstract class MitigatedFlowFixture : FlowFixture
{
    protected override string Hooks => """
            login:
              ui_url: http://127.0.0.1:4455/login
              style: identifier_first
            registration:
              ui_url: http://127.0.0.1:4455/registration
              style: unified
              after:
                password:
                  hooks:
                    - hook: session
        """;

    protected override string TopLevel => """
        security:
          account_enumeration:
            mitigate: true
        """;
}

public sealed class PostgresMitigatedFlowFixture : MitigatedFlowFixture
{
    protected override Task<string> CreateDsnAsync() => TestDatabases.CreatePostgresAsync();
}

public sealed class SqliteMitigatedFlowFixture : MitigatedFlowFixture
{
    protected override Task<string> CreateDsnAsync() => Task.FromResult(TestDatabases.CreateSqlite());
}
