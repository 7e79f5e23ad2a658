using System.Net;
using System.Text.Json.Nodes;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

/// <summary>The built-in pages `/ui/verification` and `/ui/recovery` render the flows as a UI would.</summary>
public sealed class AddressPagesTests(SqliteCodeFlowFixture fixture) : IClassFixture<SqliteCodeFlowFixture>
{
    [Fact]
    public async Task The_verification_page_asks_for_the_address_then_the_code_then_shows_the_way_onwards()
    {
        var email = NewEmail();
        await fixture.CreateIdentityAsync(email);
        using var browser = fixture.Browser();
        var flow = await AddressFlowFixture.StartBrowserFlow(browser, "verification");
        var page = $"/ui/verification?flow={Id(flow)}";
        Assert.Contains("name=\"email\"", (await browser.GetBrowser(page)).Text);

        var sent = await browser.PostForm($"/self-service/verification?flow={Id(flow)}",
            [new("csrf_token", Csrf(flow)), new("email", email), new("method", "code")]);
        Assert.Equal(HttpStatusCode.SeeOther, sent.Status);
        var codePage = (await browser.GetBrowser(page)).Text;
        Assert.Contains("name=\"code\"", codePage);
        Assert.Contains("data-id=\"1080003\"", codePage);

        var done = await browser.PostForm($"/self-service/verification?flow={Id(flow)}",
            [new("csrf_token", Csrf(flow)), new("code", (await fixture.Mail.NextAsync(email)).Code), new("method", "code")]);
        Assert.Equal(HttpStatusCode.SeeOther, done.Status);
        var finished = (await browser.GetBrowser(page)).Text;
        Assert.Contains("data-id=\"1080002\"", finished);
        Assert.Contains($"href=\"{AddressFlowFixture.AppUrl}/verified\"", finished);
        Assert.DoesNotContain("<form", finished);
    }

    [Fact]
    public async Task The_recovery_page_opens_an_administrator_code_flow_in_a_fresh_browser()
    {
        var identityId = await fixture.CreateIdentityAsync(NewEmail());
        var created = await fixture.Admin.Post("/admin/recovery/code", new JsonObject { ["identity_id"] = identityId.ToString() });
        var flowId = created.Json["recovery_link"]!.GetValue<string>().Split("flow=")[1];
        using var browser = fixture.Browser();
        var page = await browser.GetBrowser($"/ui/recovery?flow={flowId}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("name=\"code\"", page.Text);

        // Someone else's browser flow is not shown: the page starts a new flow.
        using var owner = fixture.Browser();
        var flow = await AddressFlowFixture.StartBrowserFlow(owner, "recovery");
        var foreign = await browser.GetBrowser($"/ui/recovery?flow={Id(flow)}");
        Assert.Equal("/self-service/recovery/browser", foreign.Location);
    }
}
