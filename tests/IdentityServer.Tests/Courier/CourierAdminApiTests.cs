using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IdentityServer.Courier;
using IdentityServer.Tests.Infrastructure;

namespace IdentityServer.Tests.Courier;

/// <summary>`GET /admin/courier/messages` and `GET /admin/courier/messages/{id}` as Kratos answers them.</summary>
public sealed partial class CourierAdminApiTests
{
    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Messages_are_listed_newest_first_in_keyset_pages_with_filters(string kind)
    {
        // No dispatcher: every message stays queued, except those abandoned when queued.
        await using var server = await CourierHarness.StartAsync(kind, "  smtp:\n    connection_uri: smtp://127.0.0.1:9/\n", dispatcher: false);
        var shared = CourierHarness.Recipient();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            await server.QueueAsync(CourierHarness.VerificationCode(shared, $"00000{i}"));
            ids.Add((await server.MessagesTo(shared))[0]!["id"]!.GetValue<string>());
        }
        await server.QueueAsync(new OutgoingMessage("no_such_template", OutgoingMessage.Email, shared, []));
        await server.QueueAsync(CourierHarness.VerificationCode(CourierHarness.Recipient()));

        var seen = new List<string>();
        var next = $"/admin/courier/messages?recipient={Uri.EscapeDataString(shared)}&status=queued&page_size=2";
        var pages = 0;
        while (next is not null)
        {
            var reply = await server.Admin.Get(next);
            Assert.Equal(200, reply.Code);
            Assert.True(reply.Json.AsArray().Count <= 2);
            seen.AddRange(reply.Json.AsArray().Select(m => m!["id"]!.GetValue<string>()));
            Assert.All(reply.Json.AsArray(), m => Assert.Equal("queued", m!["status"]!.GetValue<string>()));
            var link = reply.Response.Headers.GetValues("Link").Single();
            Assert.Contains("rel=\"first\"", link);
            next = NextLink().Match(link) is { Success: true } m ? m.Groups[1].Value : null;
            pages++;
        }
        Assert.Equal(3, pages);
        ids.Reverse();
        Assert.Equal(ids, seen);

        var abandoned = await server.Admin.Get($"/admin/courier/messages?recipient={Uri.EscapeDataString(shared)}&status=abandoned");
        Assert.Equal("no_such_template", Assert.Single(abandoned.Json.AsArray())!["template_type"]!.GetValue<string>());
        var all = await server.Admin.Get("/admin/courier/messages");
        Assert.Equal(7, all.Json.AsArray().Count);
        var listed = all.Json.AsArray()[0]!.AsObject();
        Assert.False(listed.ContainsKey("dispatches"));
        foreach (var field in new[] { "id", "status", "type", "recipient", "body", "subject", "template_type", "send_count", "created_at", "updated_at", "channel" })
            Assert.True(listed.ContainsKey(field), field);
    }

    [GeneratedRegex("<([^>]+)>; rel=\"next\"")]
    private static partial Regex NextLink();

    [Fact]
    public async Task Bad_parameters_get_kratos_errors()
    {
        await using var server = await CourierHarness.StartAsync("sqlite", "  smtp:\n    connection_uri: smtp://127.0.0.1:9/\n", dispatcher: false);
        var status = await server.Admin.Get("/admin/courier/messages?status=delivered");
        Assert.Equal(400, status.Code);
        Assert.Equal(400, status.ErrorCode);
        Assert.Equal("Message status is not valid", status.Json["error"]!["reason"]!.GetValue<string>());
        Assert.Equal(400, (await server.Admin.Get("/admin/courier/messages?page_size=0")).Code);
        Assert.Equal(400, (await server.Admin.Get("/admin/courier/messages?page_token=garbage")).Code);
        var malformed = await server.Admin.Get("/admin/courier/messages/not-a-uuid");
        Assert.Equal(400, malformed.Code);
        var missing = await server.Admin.Get($"/admin/courier/messages/{Guid.NewGuid()}");
        Assert.Equal(404, missing.Code);
        Assert.Equal(404, missing.ErrorCode);
        // Admin routes answer only on the admin listener.
        using var pub = new Api(server.Server.PublicUrl);
        Assert.Equal(404, (await pub.Get("/admin/courier/messages")).Code);
    }

    [Fact]
    public async Task Subject_and_body_are_redacted_outside_dev_mode()
    {
        await using var server = await CourierHarness.StartAsync("sqlite", "  smtp:\n    connection_uri: smtp://127.0.0.1:9/\n", dev: false, dispatcher: false);
        var to = CourierHarness.Recipient();
        await server.QueueAsync(CourierHarness.VerificationCode(to, "555444"));
        var message = await server.MessageTo(to);
        Assert.Equal("<redacted-unless-dev-mode>", message["subject"]!.GetValue<string>());
        Assert.Equal("<redacted-unless-dev-mode>", message["body"]!.GetValue<string>());
        Assert.DoesNotContain("555444", (await server.Admin.Get("/admin/courier/messages")).Json.ToJsonString());
    }
}
