using System.Text.Json.Nodes;
using IdentityServer.Tests.Flows;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Hostile;

public sealed class PostgresLoginCodeRaceTests(PostgresPasswordlessCodeFixture f) : LoginCodeRaceTests(f), IClassFixture<PostgresPasswordlessCodeFixture>;
public sealed class SqliteLoginCodeRaceTests(SqlitePasswordlessCodeFixture f) : LoginCodeRaceTests(f), IClassFixture<SqlitePasswordlessCodeFixture>;

/// <summary>Login codes submitted many times at once: exactly one submission signs in.</summary>
public abstract class LoginCodeRaceTests(CodeMethodFixture fixture)
{
    [Fact]
    public async Task Exactly_one_of_twenty_simultaneous_right_login_codes_signs_in()
    {
        var email = NewEmail();
        var created = await fixture.Admin.Post("/admin/identities", new JsonObject { ["schema_id"] = "default", ["traits"] = new JsonObject { ["email"] = email } });
        Assert.Equal(201, created.Code);
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "login");
        var path = $"/self-service/login?flow={Id(flow)}";
        var sent = await app.PostJson(path, new JsonObject { ["method"] = "code", ["identifier"] = email });
        Assert.True(sent.Code == 400, sent.ToString());
        var code = await fixture.Inbox.NextCodeAsync(email, "login_code_valid");

        var clients = Enumerable.Range(0, 20).Select(_ => fixture.Native()).ToList();
        var start = new TaskCompletionSource();
        var submissions = clients.Select(async c =>
        {
            await start.Task;
            return await c.PostJson(path, new JsonObject { ["method"] = "code", ["identifier"] = email, ["code"] = code });
        }).ToList();
        start.SetResult();
        var replies = await Task.WhenAll(submissions);
        foreach (var c in clients) c.Dispose();
        Assert.All(replies, r => Assert.True(r.Code < 500, r.ToString()));
        Assert.True(replies.Count(r => r.Code == 200 && r.Json["session_token"] is not null) == 1,
            string.Join("\n", replies.Select(r => r.ToString()[..Math.Min(300, r.ToString().Length)])));
    }
}
