using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Text;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

public sealed class PostgresVerificationLinkTests(PostgresLinkFlowFixture f) : VerificationLinkTests(f), IClassFixture<PostgresLinkFlowFixture>;
public sealed class SqliteVerificationLinkTests(SqliteLinkFlowFixture f) : VerificationLinkTests(f), IClassFixture<SqliteLinkFlowFixture>;

/// <summary>The verification flow with `use: link`: the link in the message verifies, in any browser.</summary>
public abstract class VerificationLinkTests(AddressFlowFixture fixture)
{
    [Fact]
    public async Task Registration_sends_a_link_that_verifies_in_another_browser()
    {
        using var app = fixture.Native();
        var email = NewEmail();
        var registered = await RegisterNative(app, email);
        var identityId = Guid.Parse(registered["identity"]!["id"]!.GetValue<string>());
        var mail = await fixture.Mail.NextAsync(email);
        Assert.False(mail.HasCode);
        var link = mail.LinkTo("/self-service/verification");
        Assert.Contains("token=", link);

        using var browser = fixture.Browser();
        var opened = await browser.GetBrowser(link);
        Assert.Equal(HttpStatusCode.SeeOther, opened.Status);
        Assert.StartsWith(AddressFlowFixture.AppUrl + "/verification?flow=", opened.Location);
        // An api flow opened from a link is shown like any other: its UI can read it.
        var flow = await AddressFlowFixture.FetchFromUi(browser, "verification", opened.Location!);
        Assert.Equal("passed_challenge", flow["state"]!.GetValue<string>());
        Assert.Equal([Messages.VerificationSuccessful().Id], MessageIds(flow));
        var address = await fixture.AddressOf(identityId);
        Assert.True(address["verified"]!.GetValue<bool>());

        // The link works once.
        var again = await browser.GetBrowser(link);
        Assert.Equal(HttpStatusCode.SeeOther, again.Status);
        var retry = await AddressFlowFixture.FetchFromUi(browser, "verification", again.Location!);
        Assert.Equal("choose_method", retry["state"]!.GetValue<string>());
        Assert.Equal([Messages.VerificationRetrySuccess().Id], MessageIds(retry));
    }

    [Fact]
    public async Task A_browser_flow_link_opened_elsewhere_verifies_and_the_new_browser_can_read_the_flow()
    {
        var email = NewEmail();
        var identityId = await fixture.CreateIdentityAsync(email);
        using var first = fixture.Browser();
        var flow = await AddressFlowFixture.StartBrowserFlow(first, "verification");
        var sent = await first.PostForm($"/self-service/verification?flow={Id(flow)}",
            [new("csrf_token", Csrf(flow)), new("email", email), new("method", "link")]);
        Assert.Equal(HttpStatusCode.SeeOther, sent.Status);
        var afterSend = await AddressFlowFixture.FetchFromUi(first, "verification", sent.Location!);
        Assert.Equal("sent_email", afterSend["state"]!.GetValue<string>());
        Assert.Equal([Messages.VerificationEmailSent().Id], MessageIds(afterSend));

        using var other = fixture.Browser();
        var opened = await other.GetBrowser((await fixture.Mail.NextAsync(email)).LinkTo("/self-service/verification"));
        Assert.Equal(HttpStatusCode.SeeOther, opened.Status);
        var shown = await AddressFlowFixture.FetchFromUi(other, "verification", opened.Location!);
        Assert.Equal(Id(flow), Id(shown));
        Assert.Equal("passed_challenge", shown["state"]!.GetValue<string>());
        Assert.True((await fixture.AddressOf(identityId))["verified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Tampered_and_expired_links_start_a_new_flow_with_4070001()
    {
        var email = NewEmail();
        var identityId = await fixture.CreateIdentityAsync(email);
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "verification");
        var sent = await app.PostJson($"/self-service/verification?flow={Id(flow)}", new JsonObject { ["method"] = "link", ["email"] = email });
        Assert.Equal(200, sent.Code);
        var link = (await fixture.Mail.NextAsync(email)).LinkTo("/self-service/verification");
        var token = link.Split("token=")[1];
        var tampered = link.Replace("token=" + token, "token=" + new string(token.Reverse().ToArray()));

        using var browser = fixture.Browser();
        foreach (var bad in new[] { tampered, link.Replace("token=" + token, "token=x") })
        {
            var reply = await browser.GetBrowser(bad);
            Assert.Equal(HttpStatusCode.SeeOther, reply.Status);
            var fresh = await AddressFlowFixture.FetchFromUi(browser, "verification", reply.Location!);
            Assert.NotEqual(Id(flow), Id(fresh));
            Assert.Equal([Messages.VerificationTokenInvalidOrAlreadyUsed().Id], MessageIds(fresh));
        }
        using (fixture.Clock.Advance(TimeSpan.FromMinutes(61)))
        {
            var expired = await browser.GetBrowser(link);
            var fresh = await AddressFlowFixture.FetchFromUi(browser, "verification", expired.Location!);
            Assert.Equal([Messages.VerificationTokenInvalidOrAlreadyUsed().Id], MessageIds(fresh));
        }
        Assert.False((await fixture.AddressOf(identityId))["verified"]!.GetValue<bool>());

        // The intact link still works.
        var ok = await browser.GetBrowser(link);
        Assert.Equal(HttpStatusCode.SeeOther, ok.Status);
        Assert.True((await fixture.AddressOf(identityId))["verified"]!.GetValue<bool>());
    }
}
