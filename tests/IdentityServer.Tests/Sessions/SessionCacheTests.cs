using System.Diagnostics;
using System.Text.Json.Nodes;
using IdentityServer.Hosting;
using IdentityServer.Sessions;
using IdentityServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace IdentityServer.Tests.Sessions;

/// <summary>
/// The in-process session cache: every change that ends or alters a session reaches whoami at once on
/// the server that made it and within 100 ms on another server of the same PostgreSQL database; expiry
/// is checked on every hit; without its notification connection a server answers from the database.
/// </summary>
public sealed class SessionCacheTests
{
    private static readonly TimeSpan CrossServerLimit = TimeSpan.FromMilliseconds(100);

    private const string RevokeOnPasswordChange = """
          flows:
            settings:
              after:
                password:
                  hooks:
                    - hook: revoke_active_sessions

        """;

    private const string Hooks = """
        hashers:
          algorithm: bcrypt
          bcrypt:
            cost: 4
        """;

    private static async Task<RunningServer> StartAsync(string dsn, string extra = "")
    {
        var yaml = TestServer.MinimalConfig(dsn, extra).Replace("  default_browser_return_url: http://127.0.0.1:4455/\n",
            "  default_browser_return_url: http://127.0.0.1:4455/\n" + RevokeOnPasswordChange);
        Assert.Contains("revoke_active_sessions", yaml);
        var server = await ServerApp.StartAsync(new ServeRequest([TestServer.WriteConfig(yaml)], Dev: true)
        {
            Environment = new Dictionary<string, string>(),
            PortOverride = 0,
        });
        await WaitUntil(() => Cache(server).IsConnected, TimeSpan.FromSeconds(10), "the session cache did not connect");
        return server;
    }

    private static SessionCache Cache(RunningServer server) => server.Services.GetRequiredService<SessionCache>();

    private static async Task WaitUntil(Func<bool> condition, TimeSpan limit, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < limit, failure);
            await Task.Delay(10);
        }
    }

    /// <summary>Whoami twice, so that the second answer comes from the cache; checks that the cache now holds the token.</summary>
    private static async Task<SessionHttp.Reply> CachedWhoami(RunningServer server, SessionHttp http, string token)
    {
        var first = await http.Get("/sessions/whoami", SessionHttp.Token(token));
        Assert.Equal(200, first.Code);
        Assert.NotNull(Cache(server).Get(SessionTokenHash.Of(token), DateTime.UtcNow));
        var second = await http.Get("/sessions/whoami", SessionHttp.Token(token));
        Assert.Equal(first.Text, second.Text);
        return second;
    }

    /// <summary>One change to a session or its identity: what to do, which token shows it, and how whoami shows it.</summary>
    private sealed record Change(Func<Context, Task> Apply, Func<Context, string> Watched, Func<Context, SessionHttp.Reply, bool> Shows);

    /// <summary>Two sessions (first, second) of one identity on the server that makes the change.</summary>
    private sealed record Context(RunningServer Server, Api Admin, SessionHttp Public, Guid IdentityId, IssuedSession First, IssuedSession Second, string Before);

    private static bool Refused(SessionHttp.Reply reply) => reply.Code == 401 && reply.ErrorId == "session_inactive";

    private static readonly Dictionary<string, Change> Changes = new()
    {
        ["logout"] = new(
            c => Expect(204, c.Public.Send(HttpMethod.Delete, "/self-service/logout/api", jsonBody: new JsonObject { ["session_token"] = c.First.Token }.ToJsonString())),
            c => c.First.Token, (_, r) => Refused(r)),
        ["revoke one of my sessions"] = new(
            c => Expect(204, c.Public.Send(HttpMethod.Delete, $"/sessions/{c.Second.SessionId}", SessionHttp.Token(c.First.Token))),
            c => c.Second.Token, (_, r) => Refused(r)),
        ["revoke my other sessions"] = new(
            c => Expect(200, c.Public.Send(HttpMethod.Delete, "/sessions", SessionHttp.Token(c.First.Token))),
            c => c.Second.Token, (_, r) => Refused(r)),
        ["admin revokes a session"] = new(
            c => Expect(204, c.Admin.Delete($"/admin/sessions/{c.First.SessionId}")),
            c => c.First.Token, (_, r) => Refused(r)),
        ["admin deletes the sessions of an identity"] = new(
            c => Expect(204, c.Admin.Delete($"/admin/identities/{c.IdentityId}/sessions")),
            c => c.First.Token, (_, r) => Refused(r)),
        ["identity deactivated"] = new(
            c => Expect(200, c.Admin.Patch($"/admin/identities/{c.IdentityId}", JsonNode.Parse("""[{"op":"replace","path":"/state","value":"inactive"}]"""))),
            c => c.First.Token, (_, r) => Refused(r)),
        ["identity deleted"] = new(
            c => Expect(204, c.Admin.Delete($"/admin/identities/{c.IdentityId}")),
            c => c.First.Token, (_, r) => Refused(r)),
        ["password change that revokes the other sessions"] = new(ChangePassword, c => c.Second.Token, (_, r) => Refused(r)),
        ["second factor added to the session (aal2)"] = new(
            async c =>
            {
                using var scope = c.Server.Services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<ISessionService>().ExtendWithAsync(c.First.SessionId,
                    [new AuthenticationMethod("totp", "aal2", DateTime.UtcNow)], SessionTestSupport.FakeRequest("cache-test"), CancellationToken.None);
            },
            c => c.First.Token, (_, r) => r.Code == 200 && r.Json["authenticator_assurance_level"]!.GetValue<string>() == "aal2"),
        ["admin extends the session"] = new(
            async c =>
            {
                await Task.Delay(20);
                await Expect(200, c.Admin.Patch($"/admin/sessions/{c.First.SessionId}/extend", null));
            },
            c => c.First.Token, (c, r) => r.Code == 200 && ExpiresAt(r) != ExpiresAt(c.Before)),
        ["traits changed"] = new(
            c => Expect(200, c.Admin.Patch($"/admin/identities/{c.IdentityId}", JsonNode.Parse("""[{"op":"replace","path":"/traits/email","value":"changed@example.com"}]"""))),
            c => c.First.Token, (_, r) => r.Code == 200 && r.Json["identity"]!["traits"]!["email"]!.GetValue<string>() == "changed@example.com"),
    };

    public static TheoryData<string> ChangeNames => new(Changes.Keys);

    private static string ExpiresAt(SessionHttp.Reply reply) => reply.Json["expires_at"]!.GetValue<string>();
    private static string ExpiresAt(string body) => JsonNode.Parse(body)!["expires_at"]!.GetValue<string>();

    private static async Task Expect(int status, Task<Api.Reply> reply)
    {
        var r = await reply;
        Assert.True(r.Code == status, $"expected {status}, got {r.Code}: {r.Body?.ToJsonString()}");
    }

    private static async Task Expect(int status, Task<SessionHttp.Reply> reply)
    {
        var r = await reply;
        Assert.True(r.Code == status, $"expected {status}, got {r.Code}: {r.Text}");
    }

    private static async Task ChangePassword(Context c)
    {
        var flow = await c.Public.Get("/self-service/settings/api", SessionHttp.Token(c.First.Token));
        Assert.Equal(200, flow.Code);
        var id = flow.Json["id"]!.GetValue<string>();
        var body = new JsonObject { ["method"] = "password", ["password"] = "a-new-password-" + Guid.NewGuid().ToString("N") };
        await Expect(200, c.Public.Send(HttpMethod.Post, $"/self-service/settings?flow={id}", SessionHttp.Token(c.First.Token), body.ToJsonString()));
    }

    private static async Task<Context> NewContext(RunningServer server, Api admin, SessionHttp http)
    {
        var identity = await SessionTestSupport.CreateIdentityAsync(admin);
        var first = await SessionTestSupport.IssueAsync(server, identity, "cache-test/1");
        var second = await SessionTestSupport.IssueAsync(server, identity, "cache-test/2");
        return new Context(server, admin, http, identity, first, second, "");
    }

    [Theory]
    [MemberData(nameof(ChangeNames))]
    public async Task A_change_reaches_whoami_at_once_on_sqlite(string name)
    {
        var change = Changes[name];
        await using var server = await StartAsync(TestDatabases.CreateSqlite(), Hooks);
        using var admin = new Api(server.AdminUrl);
        using var http = new SessionHttp(server.PublicUrl);
        var context = await NewContext(server, admin, http);
        var before = await CachedWhoami(server, http, change.Watched(context));
        await CachedWhoami(server, http, context.First.Token);
        context = context with { Before = before.Text };
        Assert.False(change.Shows(context, before));

        await change.Apply(context);
        var after = await http.Get("/sessions/whoami", SessionHttp.Token(change.Watched(context)));
        Assert.True(change.Shows(context, after), $"{name}: whoami still answered {after.Code} {after.Text}");
    }

    [Theory]
    [MemberData(nameof(ChangeNames))]
    public async Task A_change_on_one_server_reaches_whoami_on_another_within_100_ms(string name)
    {
        var change = Changes[name];
        var dsn = await TestDatabases.CreatePostgresAsync();
        await using var a = await StartAsync(dsn, Hooks);
        await using var b = await StartAsync(dsn, Hooks);
        using var adminA = new Api(a.AdminUrl);
        using var httpA = new SessionHttp(a.PublicUrl);
        using var httpB = new SessionHttp(b.PublicUrl);
        var context = await NewContext(a, adminA, httpA);
        var watched = change.Watched(context);
        var before = await CachedWhoami(b, httpB, watched);
        await CachedWhoami(a, httpA, watched);
        await CachedWhoami(a, httpA, context.First.Token);
        context = context with { Before = before.Text };
        Assert.False(change.Shows(context, before));

        await change.Apply(context);
        var changedAt = Stopwatch.StartNew();
        var onA = await httpA.Get("/sessions/whoami", SessionHttp.Token(watched));
        Assert.True(change.Shows(context, onA), $"{name}: the server that made the change still answered {onA.Code} {onA.Text}");
        await AssertSeenWithin(() => httpB.Get("/sessions/whoami", SessionHttp.Token(watched)), r => change.Shows(context, r), changedAt, name);
    }

    /// <summary>Asks again and again: every request sent 100 ms or more after the change must show it.</summary>
    private static async Task AssertSeenWithin(Func<Task<SessionHttp.Reply>> ask, Func<SessionHttp.Reply, bool> shows, Stopwatch changedAt, string what)
    {
        while (true)
        {
            var sentAt = changedAt.Elapsed;
            var reply = await ask();
            if (shows(reply))
                return;
            Assert.True(sentAt < CrossServerLimit, $"{what}: the other server still answered {reply.Code} {reply.Text} to a request sent {sentAt.TotalMilliseconds:F0} ms after the change");
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task A_session_that_expires_while_cached_is_refused(string kind)
    {
        await using var server = await StartAsync(await TestDatabases.CreateAsync(kind), """
            session:
              lifespan: 2s
            cache:
              sessions:
                max_age: 1m
            """);
        using var admin = new Api(server.AdminUrl);
        using var http = new SessionHttp(server.PublicUrl);
        var identity = await SessionTestSupport.CreateIdentityAsync(admin);
        var issued = await SessionTestSupport.IssueAsync(server, identity, "cache-expiry");
        var expiresAt = DateTime.Parse(issued.Session["expires_at"]!.GetValue<string>()).ToUniversalTime();
        await CachedWhoami(server, http, issued.Token);

        await Task.Delay(expiresAt - DateTime.UtcNow + TimeSpan.FromMilliseconds(100));
        var reply = await http.Get("/sessions/whoami", SessionHttp.Token(issued.Token));
        Assert.True(Refused(reply), $"whoami answered {reply.Code} {reply.Text} after the session expired");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Each_token_gets_its_own_session(string kind)
    {
        await using var server = await StartAsync(await TestDatabases.CreateAsync(kind));
        using var admin = new Api(server.AdminUrl);
        using var http = new SessionHttp(server.PublicUrl);
        var sessions = new List<(Guid Identity, IssuedSession Session)>();
        for (var i = 0; i < 4; i++)
        {
            var identity = await SessionTestSupport.CreateIdentityAsync(admin);
            sessions.Add((identity, await SessionTestSupport.IssueAsync(server, identity, "cache-tokens")));
        }
        for (var round = 0; round < 3; round++)
        {
            foreach (var (identity, session) in sessions)
            {
                var reply = await http.Get("/sessions/whoami", SessionHttp.Token(session.Token));
                Assert.Equal(200, reply.Code);
                Assert.Equal(session.SessionId.ToString(), reply.Json["id"]!.GetValue<string>());
                Assert.Equal(identity.ToString(), reply.Json["identity"]!["id"]!.GetValue<string>());
                Assert.Equal(identity.ToString(), reply.Header("X-Kratos-Authenticated-Identity-Id"));
            }
        }
        Assert.Equal(sessions.Count, Cache(server).Count);
        // A token that differs in one character is another token.
        var near = sessions[0].Session.Token[..^1] + (sessions[0].Session.Token[^1] == 'a' ? 'b' : 'a');
        Assert.True(Refused(await http.Get("/sessions/whoami", SessionHttp.Token(near))));
    }

    [Fact]
    public void The_cache_key_is_the_stored_token_hash()
    {
        var token = SessionTokens.NewSessionToken();
        Assert.Equal(SessionTokens.Hash(token), SessionTokenHash.Of(token).ToHex());
        var long_ = new string('x', 5000) + "é";
        Assert.Equal(SessionTokens.Hash(long_), SessionTokenHash.Of(long_).ToHex());
        Assert.NotEqual(SessionTokenHash.Of(token), SessionTokenHash.Of(token + "x"));
    }

    [Fact]
    public async Task Without_its_notification_connection_a_server_answers_from_the_database_until_it_is_back()
    {
        var dsn = await TestDatabases.CreatePostgresAsync();
        var database = new Uri(dsn).AbsolutePath.Trim('/');
        await using var a = await StartAsync(dsn);
        await using var b = await StartAsync(dsn);
        using var adminA = new Api(a.AdminUrl);
        using var httpB = new SessionHttp(b.PublicUrl);
        var identity = await SessionTestSupport.CreateIdentityAsync(adminA);
        var first = await SessionTestSupport.IssueAsync(a, identity, "cache-listener/1");
        var second = await SessionTestSupport.IssueAsync(a, identity, "cache-listener/2");
        await CachedWhoami(b, httpB, first.Token);
        var listener = b.Services.GetRequiredService<SessionCacheListener>();
        var killed = listener.BackendProcessId;
        Assert.NotEqual(0, killed);

        await using var superuser = new NpgsqlConnection(IdentityServer.Persistence.Dsn.Parse(TestDatabases.PostgresServerUrl).ConnectionString);
        await superuser.OpenAsync();
        try
        {
            // No new connection to the database is allowed, so the listener stays away while the test looks.
            await new NpgsqlCommand($"ALTER DATABASE {database} ALLOW_CONNECTIONS false", superuser).ExecuteNonQueryAsync();
            await using (var kill = new NpgsqlCommand("SELECT pg_terminate_backend($1)", superuser))
            {
                kill.Parameters.AddWithValue(killed);
                Assert.True((bool)(await kill.ExecuteScalarAsync())!);
            }
            await WaitUntil(() => !Cache(b).IsOn, TimeSpan.FromSeconds(5), "the cache stayed on without its notification connection");
            Assert.Equal(0, Cache(b).Count);

            // A's notification cannot reach B now; B must read the revocation from the database.
            await Expect(204, adminA.Delete($"/admin/sessions/{first.SessionId}"));
            Assert.True(Refused(await httpB.Get("/sessions/whoami", SessionHttp.Token(first.Token))));
            Assert.Equal(200, (await httpB.Get("/sessions/whoami", SessionHttp.Token(second.Token))).Code);
            Assert.Equal(0, Cache(b).Count);
        }
        finally
        {
            await new NpgsqlCommand($"ALTER DATABASE {database} ALLOW_CONNECTIONS true", superuser).ExecuteNonQueryAsync();
        }

        await WaitUntil(() => Cache(b).IsOn, TimeSpan.FromSeconds(15), "the cache did not turn on again when the connection came back");
        Assert.NotEqual(killed, listener.BackendProcessId);
        await CachedWhoami(b, httpB, second.Token);
        // And B hears A again.
        await Expect(204, adminA.Delete($"/admin/sessions/{second.SessionId}"));
        await AssertSeenWithin(() => httpB.Get("/sessions/whoami", SessionHttp.Token(second.Token)), Refused, Stopwatch.StartNew(), "revoked after reconnecting");
    }

    [Fact]
    public async Task The_cache_can_be_turned_off()
    {
        await using var server = await StartAsync(TestDatabases.CreateSqlite(), """
            cache:
              sessions:
                enabled: false
            """);
        using var admin = new Api(server.AdminUrl);
        using var http = new SessionHttp(server.PublicUrl);
        var identity = await SessionTestSupport.CreateIdentityAsync(admin);
        var issued = await SessionTestSupport.IssueAsync(server, identity, "cache-off");
        Assert.Equal(200, (await http.Get("/sessions/whoami", SessionHttp.Token(issued.Token))).Code);
        Assert.Equal(0, Cache(server).Count);
    }
}
