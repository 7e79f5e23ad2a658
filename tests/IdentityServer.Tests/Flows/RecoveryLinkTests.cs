using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Text;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

public sealed class PostgresRecoveryLinkTests(PostgresLinkFlowFixture f) : RecoveryLinkTests(f), IClassFixture<PostgresLinkFlowFixture>;
public sealed class SqliteRecoveryLinkTests(SqliteLinkFlowFixture f) : RecoveryLinkTests(f), IClassFixture<SqliteLinkFlowFixture>;

/// <summary>The recovery flow with `use: link`, and recovery links made by an administrator.</summary>
public abstract class RecoveryLinkTests(AddressFlowFixture fixture)
{
    [Fact]
    public async Task The_link_from_the_message_signs_in_and_opens_settings_in_any_browser()
    {
        var email = NewEmail();
        var identityId = await fixture.CreateIdentityAsync(email);
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "recovery");
        var sent = await app.PostJson($"/self-service/recovery?flow={Id(flow)}", new JsonObject { ["method"] = "link", ["email"] = email });
        Assert.True(sent.Code == 200, sent.ToString());
        Assert.Equal([Messages.RecoveryEmailSent().Id], MessageIds(sent.Json));
        var link = (await fixture.Mail.NextAsync(email)).LinkTo("/self-service/recovery");

        using var browser = fixture.Browser();
        var opened = await browser.GetBrowser(link);
        Assert.Equal(HttpStatusCode.SeeOther, opened.Status);
        Assert.StartsWith(AddressFlowFixture.AppUrl + "/settings?flow=", opened.Location);
        var whoami = await browser.GetJson("/sessions/whoami");
        Assert.True(whoami.Code == 200, whoami.ToString());
        Assert.Equal("link_recovery", whoami.Json["authentication_methods"]![0]!["method"]!.GetValue<string>());
        Assert.Equal(identityId.ToString(), whoami.Json["identity"]!["id"]!.GetValue<string>());
        var settings = await AddressFlowFixture.FetchFromUi(browser, "settings", opened.Location!);
        Assert.Contains(Messages.RecoverySuccessful(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow).Id, MessageIds(settings));

        using var other = fixture.Browser();
        var reused = await other.GetBrowser(link);
        var retry = await AddressFlowFixture.FetchFromUi(other, "recovery", reused.Location!);
        Assert.Equal([Messages.RecoveryRetrySuccess().Id], MessageIds(retry));
    }

    [Fact]
    public async Task A_tampered_link_starts_a_new_flow_with_4060004()
    {
        var email = NewEmail();
        await fixture.CreateIdentityAsync(email);
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "recovery");
        Assert.Equal(200, (await app.PostJson($"/self-service/recovery?flow={Id(flow)}", new JsonObject { ["method"] = "link", ["email"] = email })).Code);
        var link = (await fixture.Mail.NextAsync(email)).LinkTo("/self-service/recovery");
        using var browser = fixture.Browser();
        var reply = await browser.GetBrowser(link[..^3] + "abc");
        Assert.Equal(HttpStatusCode.SeeOther, reply.Status);
        var fresh = await AddressFlowFixture.FetchFromUi(browser, "recovery", reply.Location!);
        Assert.Equal([Messages.RecoveryTokenInvalidOrAlreadyUsed().Id], MessageIds(fresh));
        Assert.Null(browser.Cookie("ory_kratos_session"));
    }

    [Fact]
    public async Task An_administrator_link_signs_in_until_it_expires()
    {
        var identityId = await fixture.CreateIdentityAsync(NewEmail());
        var created = await fixture.Admin.Post("/admin/recovery/link", new JsonObject { ["identity_id"] = identityId.ToString(), ["expires_in"] = "30m" });
        Assert.True(created.Code == 200, created.Body?.ToJsonString());
        var link = new Uri(created.Json["recovery_link"]!.GetValue<string>());
        Assert.Equal("/self-service/recovery", link.AbsolutePath);
        Assert.NotNull(created.Json["expires_at"]);

        using (fixture.Clock.Advance(TimeSpan.FromMinutes(31)))
        {
            using var late = fixture.Browser();
            var expired = await late.GetBrowser(link.PathAndQuery);
            Assert.Equal(HttpStatusCode.SeeOther, expired.Status);
            Assert.StartsWith(AddressFlowFixture.AppUrl + "/recovery?flow=", expired.Location);
            Assert.Null(late.Cookie("ory_kratos_session"));
        }

        using var browser = fixture.Browser();
        var opened = await browser.GetBrowser(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.SeeOther, opened.Status);
        Assert.StartsWith(AddressFlowFixture.AppUrl + "/settings?flow=", opened.Location);
        Assert.NotNull(browser.Cookie("ory_kratos_session"));
    }
}
