using System.Net;
using IdentityServer.Hosting;
using IdentityServer.Tests.Infrastructure;

namespace IdentityServer.Tests.Sessions;

/// <summary>A server with a one-second session lifespan: sessions end on their own.</summary>
public sealed class SessionExpiryTests
{
    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task An_expired_session_is_refused(string kind)
    {
        var yaml = SessionFixture.Config(await TestDatabases.CreateAsync(kind), """
            session:
              lifespan: 1s
            """);
        await using var server = await ServerApp.StartAsync(new ServeRequest([TestServer.WriteConfig(yaml)], Dev: true)
        {
            Environment = new Dictionary<string, string>(),
            PortOverride = 0,
        });
        using var admin = new Api(server.AdminUrl);
        using var http = new SessionHttp(server.PublicUrl);
        var identity = await SessionTestSupport.CreateIdentityAsync(admin);
        var issued = await SessionTestSupport.IssueAsync(server, identity, "expiry-test");
        var expiresAt = DateTime.Parse(issued.Session["expires_at"]!.GetValue<string>()).ToUniversalTime();
        Assert.InRange(expiresAt, DateTime.UtcNow.AddSeconds(-1), DateTime.UtcNow.AddSeconds(2));

        await Task.Delay(expiresAt - DateTime.UtcNow + TimeSpan.FromMilliseconds(300));
        var reply = await http.Get("/sessions/whoami", SessionHttp.Token(issued.Token));
        Assert.Equal((int)HttpStatusCode.Unauthorized, reply.Code);
        Assert.Equal("session_inactive", reply.ErrorId);
        var listed = (await admin.Get($"/admin/sessions/{issued.SessionId}")).Json;
        Assert.False(listed["active"]!.GetValue<bool>());
    }
}
