using System.Net;
using System.Text.Json.Nodes;
using static IdentityServer.Tests.Flows.FlowTestSteps;
using static IdentityServer.Tests.Flows.TwoStepRegistrationTests;

namespace IdentityServer.Tests.Flows;

public sealed class PostgresRefreshAndErrorUiTests(PostgresFlowFixture f) : RefreshAndErrorUiTests(f), IClassFixture<PostgresFlowFixture>;
public sealed class SqliteRefreshAndErrorUiTests(SqliteFlowFixture f) : RefreshAndErrorUiTests(f), IClassFixture<SqliteFlowFixture>;

/// <summary>
/// Re-authentication (`?refresh=true`) prefills the signed-in identifier; browser errors outside a flow's form
/// (logout links, API flow starts) go where Kratos sends them.
/// </summary>
public abstract class RefreshAndErrorUiTests(FlowFixture fixture)
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    [Fact]
    public async Task Browser_refresh_prefills_the_identifier_and_extends_the_session()
    {
        using var browser = fixture.Browser();
        var email = NewEmail();
        var registration = await StartBrowserFlow(browser, "registration");
        var registered = await browser.PostForm($"/self-service/registration?flow={Id(registration)}",
            [F("csrf_token", Csrf(registration)), F("traits.email", email), F("password", Password), F("method", "password")]);
        Assert.Equal(HttpStatusCode.SeeOther, registered.Status);
        var before = (await browser.GetJson("/sessions/whoami")).Json;

        var flow = await StartBrowserFlow(browser, "login", "?refresh=true");
        Assert.True(flow["refresh"]!.GetValue<bool>());
        Assert.Equal([1010003L], MessageIds(flow));
        Assert.Equal("hidden", Type(flow, "identifier"));
        Assert.Equal(email, Value(flow, "identifier"));
        Assert.Equal(1010001, Node(flow, "method")["meta"]!["label"]!["id"]!.GetValue<long>());

        var fields = Nodes(flow).Where(n => Type(n) == "hidden")
            .Select(n => F(n["attributes"]!["name"]!.GetValue<string>(), n["attributes"]!["value"]!.GetValue<string>()))
            .Append(F("password", Password)).Append(F("method", "password"));
        var done = await browser.PostForm($"/self-service/login?flow={Id(flow)}", fields);
        Assert.True(done.Status == HttpStatusCode.SeeOther, done.ToString());
        var after = (await browser.GetJson("/sessions/whoami")).Json;
        Assert.Equal(before["id"]!.GetValue<string>(), after["id"]!.GetValue<string>());
        Assert.Equal(2, after["authentication_methods"]!.AsArray().Count);

        // A wrong password keeps the prefilled, hidden identifier.
        var again = await StartBrowserFlow(browser, "login", "?refresh=true");
        var wrong = await FollowToFlow(browser, await browser.PostForm($"/self-service/login?flow={Id(again)}",
            [F("csrf_token", Csrf(again)), F("identifier", email), F("password", "not-the-password"), F("method", "password")]), "login");
        Assert.Equal([4000006L], MessageIds(wrong));
        Assert.Equal("hidden", Type(wrong, "identifier"));
        Assert.Equal(email, Value(wrong, "identifier"));
    }

    [Fact]
    public async Task Native_refresh_prefills_the_identifier_of_the_token_holder()
    {
        using var app = fixture.Native();
        var email = NewEmail();
        var token = (await RegisterNative(app, email))["session_token"]!.GetValue<string>();
        var headers = new Dictionary<string, string> { ["X-Session-Token"] = token };
        var flow = await app.GetJson("/self-service/login/api?refresh=true", headers);
        Assert.Equal(200, flow.Code);
        Assert.True(flow.Json["refresh"]!.GetValue<bool>());
        Assert.Equal([1010003L], MessageIds(flow.Json));
        Assert.Equal(email, Value(flow.Json, "identifier"));

        // Without a session there is nothing to refresh: the ordinary form, as in Kratos.
        var anonymous = await app.GetJson("/self-service/login/api?refresh=true");
        Assert.False(anonymous.Json["refresh"]!.GetValue<bool>());
        Assert.Empty(MessageIds(anonymous.Json));
        Assert.Equal("text", Type(anonymous.Json, "identifier"));
        Assert.Equal("", Value(anonymous.Json, "identifier"));
    }

    [Fact]
    public async Task Replayed_or_foreign_logout_links_send_browsers_to_the_error_ui()
    {
        using var browser = fixture.Browser();
        var registration = await StartBrowserFlow(browser, "registration");
        await browser.PostForm($"/self-service/registration?flow={Id(registration)}",
            [F("csrf_token", Csrf(registration)), F("traits.email", NewEmail()), F("password", Password), F("method", "password")]);
        var logout = (await browser.GetJson("/self-service/logout/browser")).Json;
        var url = new Uri(logout["logout_url"]!.GetValue<string>()).PathAndQuery;

        // A link of another session: 403, stored for the error UI; the session stays.
        var foreign = await browser.GetBrowser("/self-service/logout?token=" + Uri.EscapeDataString(new string('a', 43)));
        await AssertErrorUi(browser, foreign, 403, null);
        Assert.Equal(200, (await browser.GetJson("/sessions/whoami")).Code);

        var first = await browser.GetBrowser(url);
        Assert.Equal(HttpStatusCode.SeeOther, first.Status);
        Assert.DoesNotContain("/error", first.Location);

        // The same link again: there is no session any more.
        var replayed = await browser.GetBrowser(url);
        await AssertErrorUi(browser, replayed, 401, "session_inactive");
        var missing = await browser.GetBrowser("/self-service/logout");
        await AssertErrorUi(browser, missing, 400, null);

        // JSON callers keep the JSON error.
        var json = await browser.GetJson(url);
        Assert.Equal(401, json.Code);
        Assert.Equal("session_inactive", json.ErrorId);
    }

    [Fact]
    public async Task Browser_flow_starts_use_the_error_ui_and_api_flow_starts_always_answer_json()
    {
        using var browser = fixture.Browser();
        var forbidden = await browser.GetBrowser("/self-service/registration/browser?return_to=https://evil.example.net/");
        await AssertErrorUi(browser, forbidden, 400, "self_service_flow_return_to_forbidden");

        using var app = fixture.Native();
        var api = await app.GetBrowser("/self-service/login/api?return_to=https://evil.example.net/");
        Assert.Equal(400, api.Code);
        Assert.Equal("self_service_flow_return_to_forbidden", api.ErrorId);
        var apiAal = await app.GetBrowser("/self-service/login/api?aal=aal2");
        Assert.Equal(401, apiAal.Code);
        Assert.Equal("session_aal1_required", apiAal.ErrorId);

        // A browser posting a form to an unknown flow sees the error UI as well.
        var unknown = await browser.PostForm($"/self-service/login?flow={Guid.NewGuid()}", [F("method", "password")]);
        await AssertErrorUi(browser, unknown, 404, null);
    }

    [Fact]
    public async Task Submitting_with_a_session_is_a_flow_message_for_login_and_an_error_for_registration()
    {
        using var app = fixture.Native();
        var login = await StartApiFlow(app, "login");
        var registration = await StartApiFlow(app, "registration");
        var token = (await RegisterNative(app, NewEmail()))["session_token"]!.GetValue<string>();
        var headers = new Dictionary<string, string> { ["X-Session-Token"] = token };

        // Kratos shows "already logged in" on the login flow's form (4000001), but answers registration with the error.
        var loginReply = await app.PostJson($"/self-service/login?flow={Id(login)}", LoginBody(NewEmail()), headers);
        Assert.Equal(400, loginReply.Code);
        Assert.Equal(Id(login), Id(loginReply.Json));
        Assert.Equal([4000001L], MessageIds(loginReply.Json));
        Assert.Contains("refresh=true", loginReply.Json["ui"]!["messages"]![0]!["text"]!.GetValue<string>());

        var registrationReply = await app.PostJson($"/self-service/registration?flow={Id(registration)}", RegistrationBody(NewEmail()), headers);
        Assert.Equal(400, registrationReply.Code);
        Assert.Equal("session_already_available", registrationReply.ErrorId);
    }

    private static async Task AssertErrorUi(FlowClient browser, FlowClient.Reply reply, int code, string? id)
    {
        Assert.True(reply.Status == HttpStatusCode.SeeOther, reply.ToString());
        Assert.StartsWith(FlowFixture.AppUrl + "/error?id=", reply.Location);
        var error = await browser.GetJson("/self-service/errors?id=" + reply.Location!.Split("id=")[1]);
        Assert.Equal(200, error.Code);
        Assert.Equal(code, error.Json["error"]!["code"]!.GetValue<int>());
        if (id is not null) Assert.Equal(id, error.Json["error"]!["id"]!.GetValue<string>());
        Assert.NotNull(error.Json["created_at"]);
    }
}
