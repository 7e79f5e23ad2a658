using IdentityServer.Cli;
using IdentityServer.Config;
using IdentityServer.Courier;
using IdentityServer.Persistence;
using IdentityServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IdentityServer.Tests.Courier;

/// <summary>Where the dispatcher runs: in serve, in `courier watch`, in several processes on one database.</summary>
public sealed class CourierProcessTests
{
    private static string Smtp(SmtpSink sink, string localName = "courier.test", int pullCount = 10) => $"""
          smtp:
            connection_uri: "{sink.ConnectionUri()}"
            local_name: {localName}
          worker:
            pull_count: {pullCount}
            pull_wait: 50ms
        """;

    [Fact]
    public async Task Two_servers_on_one_postgres_never_send_a_message_twice()
    {
        await using var sink = SmtpSink.Start(SmtpSink.Security.None);
        sink.DataDelay = TimeSpan.FromMilliseconds(15);
        var dsn = await TestDatabases.CreatePostgresAsync();
        await using var first = await CourierHarness.StartOnAsync(dsn, Smtp(sink, "first.test", pullCount: 2));
        await using var second = await CourierHarness.StartOnAsync(dsn, Smtp(sink, "second.test", pullCount: 2));
        var recipients = Enumerable.Range(0, 40).Select(_ => CourierHarness.Recipient()).ToList();
        await first.QueueAsync(recipients.Take(20).Select(r => CourierHarness.VerificationCode(r)).ToArray());
        await second.QueueAsync(recipients.Skip(20).Select(r => CourierHarness.VerificationCode(r)).ToArray());

        foreach (var to in recipients)
            await sink.WaitForMessageAsync(to, TimeSpan.FromSeconds(60));
        await Task.Delay(500);
        Assert.Equal(recipients.Count, sink.Messages.Count);
        Assert.All(recipients, to => Assert.Single(sink.MessagesTo(to)));
        // Both processes took part.
        Assert.Equal(new[] { "first.test", "second.test" }, sink.Messages.Select(m => m.ClientName ?? "").Distinct().Order().ToArray());
        var sent = await first.Admin.Get("/admin/courier/messages?status=sent");
        Assert.Equal(40, sent.Json.AsArray().Count);
        Assert.All(sent.Json.AsArray(), m => Assert.Equal(1, m!["send_count"]!.GetValue<int>()));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Courier_watch_sends_what_a_serve_without_the_dispatcher_queued(string kind)
    {
        await using var sink = SmtpSink.Start(SmtpSink.Security.None);
        var dsn = await TestDatabases.CreateAsync(kind);
        await using var server = await CourierHarness.StartOnAsync(dsn, Smtp(sink), dispatcher: false);
        var to = CourierHarness.Recipient();
        await server.QueueAsync(CourierHarness.VerificationCode(to));
        await Task.Delay(400);
        Assert.Empty(sink.Messages);
        Assert.Equal("queued", CourierHarness.Status(await server.MessageTo(to)));

        var config = TestServer.WriteConfig(TestServer.MinimalConfig(dsn, "courier:\n" + Smtp(sink, "watcher.test")));
        using var host = await CourierWatch.BuildAsync([config], new Dictionary<string, string>());
        await host.StartAsync();
        try
        {
            var received = await sink.WaitForMessageAsync(to);
            Assert.Equal("watcher.test", received.ClientName);
            await server.WaitForMessageAsync(to, m => CourierHarness.Status(m) == "sent");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Courier_watch_refuses_a_bad_start_with_exit_code_1()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".yml");
        Assert.Equal(1, await CommandLine.RunAsync(["courier", "watch", "-c", missing]));
        var memory = TestServer.WriteConfig(TestServer.MinimalConfig("memory"));
        Assert.Equal(1, await CommandLine.RunAsync(["courier", "watch", "-c", memory]));
        var unmigrated = TestServer.WriteConfig(TestServer.MinimalConfig(TestDatabases.CreateSqlite()));
        Assert.Equal(1, await CommandLine.RunAsync(["courier", "watch", "-c", unmigrated]));
    }

    [Fact]
    public async Task A_message_left_processing_by_a_stopped_worker_is_taken_over_when_its_claim_expires()
    {
        await using var sink = SmtpSink.Start(SmtpSink.Security.None);
        await using var server = await CourierHarness.StartAsync("postgres", Smtp(sink));
        var to = CourierHarness.Recipient();
        var stuck = CourierHarness.Recipient();
        await server.QueueAsync(CourierHarness.VerificationCode(to), CourierHarness.VerificationCode(stuck));
        await sink.WaitForMessageAsync(to);
        await sink.WaitForMessageAsync(stuck);

        // Pretend a worker claimed a message and died: processing, claim still running, then expired.
        var lost = CourierHarness.Recipient();
        await server.QueueAsync(CourierHarness.VerificationCode(lost));
        using (var scope = server.Server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Database.ExecuteSqlRawAsync(
                "UPDATE courier_messages SET status = 'processing', next_attempt_at = {0} WHERE recipient = {1}",
                DateTime.UtcNow.AddMinutes(10), lost);
        }
        await Task.Delay(400);
        Assert.Empty(sink.MessagesTo(lost));
        using (var scope = server.Server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Database.ExecuteSqlRawAsync(
                "UPDATE courier_messages SET next_attempt_at = {0} WHERE recipient = {1}", DateTime.UtcNow.AddSeconds(-1), lost);
        }
        await sink.WaitForMessageAsync(lost);
    }

    [Fact]
    public void The_start_report_warns_loudly_when_flows_send_mail_that_nothing_delivers()
    {
        var config = new KratosConfig();
        config.SelfService.Flows.Verification.Enabled = true;
        var (warning, text) = Assert.Single(CourierReport.Lines(config));
        Assert.True(warning);
        Assert.Contains("verification is enabled but NO EMAIL CAN BE SENT", text);
        Assert.Contains("courier.smtp.connection_uri is not set", text);

        config.Courier.Smtp.ConnectionUri = "smtps://mailer:secret@mail.example.org:465/";
        (warning, text) = Assert.Single(CourierReport.Lines(config));
        Assert.False(warning);
        Assert.Contains("smtps://mailer@mail.example.org:465 (implicit TLS)", text);
        Assert.DoesNotContain("secret", text);

        config.Courier.DeliveryStrategy = "http";
        (warning, text) = Assert.Single(CourierReport.Lines(config));
        Assert.True(warning);
        Assert.Contains("courier.http.request_config.url", text);
    }
}
