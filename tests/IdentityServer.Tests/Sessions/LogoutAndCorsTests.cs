using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using IdentityServer.Sessions;

namespace IdentityServer.Tests.Sessions;

public sealed class PostgresLogoutAndCorsTests(PostgresSessionFixture f) : LogoutAndCorsTests(f), IClassFixture<PostgresSessionFixture>;
public sealed class SqliteLogoutAndCorsTests(SqliteSessionFixture f) : LogoutAndCorsTests(f), IClassFixture<SqliteSessionFixture>;

/// <summary>Browser and native logout, and CORS on the public listener, through HTTP.</summary>
public abstract class LogoutAndCorsTests(SessionFixture fixture) : IDisposable
{
    private readonly SessionHttp _public = new(fixture.Server.PublicUrl);
    private readonly SessionHttp _admin = new(fixture.Server.AdminUrl);

    public void Dispose()
    {
        _public.Dispose();
        _admin.Dispose();
    }

    private async Task<(IssuedSession Session, string Cookie)> BrowserSession()
    {
        var identity = await fixture.CreateIdentityAsync();
        var issued = await fixture.IssueAsync(identity);
        return (issued, SessionTestSupport.CookiePair(SessionTestSupport.SetCookieHeader(fixture.Server, issued)));
    }

    private async Task<JsonNode> LogoutFlow(string cookie, string query = "")
    {
        var reply = await _public.Get("/self-service/logout/browser" + query, SessionHttp.Cookie(cookie, json: true));
        Assert.True(reply.Code == 200, $"logout/browser answered {reply.Code}: {reply.Text}");
        return reply.Json;
    }

    private static string PathOf(string url) => new Uri(url).PathAndQuery;

    [Fact]
    public async Task Browser_logout_revokes_clears_the_cookie_and_redirects()
    {
        var (issued, cookie) = await BrowserSession();
        var flow = await LogoutFlow(cookie);
        var token = flow["logout_token"]!.GetValue<string>();
        var url = flow["logout_url"]!.GetValue<string>();
        Assert.StartsWith("ory_lo_", token);
        Assert.StartsWith("http://127.0.0.1:4433/self-service/logout?token=", url);
        Assert.Contains(Uri.EscapeDataString(token), url);

        var done = await _public.Get(PathOf(url), SessionHttp.Cookie(cookie));
        Assert.Equal(303, done.Code);
        Assert.Equal("http://127.0.0.1:4455/logged-out", done.Response.Headers.Location!.ToString());
        var cleared = done.Header("Set-Cookie")!;
        Assert.StartsWith("ory_kratos_session=;", cleared);
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared);
        Assert.Equal(401, (await _public.Get("/sessions/whoami", SessionHttp.Token(issued.Token))).Code);

        // Replaying the link finds no session any more.
        var replay = await _public.Get(PathOf(url), SessionHttp.Cookie(cookie, json: true));
        Assert.Equal(401, replay.Code);
        Assert.Equal("session_inactive", replay.ErrorId);
    }

    [Fact]
    public async Task Browser_logout_answers_204_to_json_requests()
    {
        var (issued, cookie) = await BrowserSession();
        var flow = await LogoutFlow(cookie);
        var done = await _public.Get(PathOf(flow["logout_url"]!.GetValue<string>()), SessionHttp.Cookie(cookie, json: true));
        Assert.Equal(204, done.Code);
        Assert.Equal(401, (await _public.Get("/sessions/whoami", SessionHttp.Token(issued.Token))).Code);
    }

    [Fact]
    public async Task Browser_logout_refuses_a_wrong_or_missing_token_and_keeps_the_session()
    {
        var (issued, cookie) = await BrowserSession();
        var (_, otherCookie) = await BrowserSession();
        var otherToken = (await LogoutFlow(otherCookie))["logout_token"]!.GetValue<string>();

        var wrong = await _public.Get("/self-service/logout?token=" + otherToken, SessionHttp.Cookie(cookie, json: true));
        Assert.Equal(403, wrong.Code);
        var missing = await _public.Get("/self-service/logout", SessionHttp.Cookie(cookie, json: true));
        Assert.Equal(400, missing.Code);
        var noCookie = await _public.Get("/self-service/logout?token=" + otherToken, r => r.Headers.Accept.ParseAdd("application/json"));
        Assert.Equal(401, noCookie.Code);
        Assert.Equal(200, (await _public.Get("/sessions/whoami", SessionHttp.Token(issued.Token))).Code);
        Assert.Equal(401, (await _public.Get("/self-service/logout/browser", r => r.Headers.Accept.ParseAdd("application/json"))).Code);
    }

    [Fact]
    public async Task Browser_logout_follows_an_allowed_return_to_and_refuses_others()
    {
        var (issued, cookie) = await BrowserSession();
        var flow = await LogoutFlow(cookie, "?return_to=" + Uri.EscapeDataString("https://app.example.com/after/logout"));
        var url = flow["logout_url"]!.GetValue<string>();
        Assert.Contains("return_to=" + Uri.EscapeDataString("https://app.example.com/after/logout"), url);

        var forbidden = await _public.Get("/self-service/logout/browser?return_to=" + Uri.EscapeDataString("https://evil.example.net/"),
            SessionHttp.Cookie(cookie, json: true));
        Assert.Equal(400, forbidden.Code);
        Assert.Equal("self_service_flow_return_to_forbidden", forbidden.ErrorId);
        var token = flow["logout_token"]!.GetValue<string>();
        var forbiddenSubmit = await _public.Get($"/self-service/logout?token={token}&return_to=" + Uri.EscapeDataString("https://app.example.com/elsewhere"),
            SessionHttp.Cookie(cookie, json: true));
        Assert.Equal(400, forbiddenSubmit.Code);
        Assert.Equal(200, (await _public.Get("/sessions/whoami", SessionHttp.Token(issued.Token))).Code);

        var done = await _public.Get(PathOf(url), SessionHttp.Cookie(cookie));
        Assert.Equal(303, done.Code);
        Assert.Equal("https://app.example.com/after/logout", done.Response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Native_logout_revokes_the_token()
    {
        var identity = await fixture.CreateIdentityAsync();
        var issued = await fixture.IssueAsync(identity);
        var body = new JsonObject { ["session_token"] = issued.Token }.ToJsonString();
        var done = await _public.Send(HttpMethod.Delete, "/self-service/logout/api", jsonBody: body);
        Assert.Equal(204, done.Code);
        Assert.Equal(401, (await _public.Get("/sessions/whoami", SessionHttp.Token(issued.Token))).Code);

        var unknown = await _public.Send(HttpMethod.Delete, "/self-service/logout/api",
            jsonBody: new JsonObject { ["session_token"] = "ory_st_unknownunknownunknownunknown1" }.ToJsonString());
        Assert.Equal(403, unknown.Code);
        var empty = await _public.Send(HttpMethod.Delete, "/self-service/logout/api", jsonBody: "{}");
        Assert.Equal(403, empty.Code);
        var malformed = await _public.Send(HttpMethod.Delete, "/self-service/logout/api", jsonBody: "{not json");
        Assert.Equal(400, malformed.Code);
    }

    private static Action<HttpRequestMessage> Preflight(string origin, string method = "GET", string? headers = null) => r =>
    {
        r.Headers.Add("Origin", origin);
        r.Headers.Add("Access-Control-Request-Method", method);
        if (headers is not null) r.Headers.Add("Access-Control-Request-Headers", headers);
    };

    [Theory]
    [InlineData("https://app.example.com")]
    [InlineData("https://shop.example.org")]
    public async Task Cors_preflight_allows_configured_origins(string origin)
    {
        var reply = await _public.Send(HttpMethod.Options, "/sessions/whoami", Preflight(origin, "GET", "X-Session-Token"));
        Assert.Equal(204, reply.Code);
        Assert.Equal(origin, reply.Header("Access-Control-Allow-Origin"));
        Assert.Equal("true", reply.Header("Access-Control-Allow-Credentials"));
        Assert.Contains("x-session-token", reply.Header("Access-Control-Allow-Headers")!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("600", reply.Header("Access-Control-Max-Age"));
    }

    [Theory]
    [InlineData("https://evil.example.net")]
    [InlineData("http://app.example.com")]
    [InlineData("https://example.org")]
    public async Task Cors_refuses_other_origins(string origin)
    {
        var preflight = await _public.Send(HttpMethod.Options, "/sessions/whoami", Preflight(origin));
        Assert.Null(preflight.Header("Access-Control-Allow-Origin"));
        var actual = await _public.Get("/sessions/whoami", r => r.Headers.Add("Origin", origin));
        Assert.Null(actual.Header("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Cors_headers_are_on_actual_requests_including_errors()
    {
        var identity = await fixture.CreateIdentityAsync();
        var issued = await fixture.IssueAsync(identity);
        var ok = await _public.Get("/sessions/whoami", r =>
        {
            r.Headers.Add("Origin", "https://app.example.com");
            r.Headers.Add("X-Session-Token", issued.Token);
        });
        Assert.Equal(200, ok.Code);
        Assert.Equal("https://app.example.com", ok.Header("Access-Control-Allow-Origin"));
        Assert.Contains("Content-Type", ok.Header("Access-Control-Expose-Headers"));
        var denied = await _public.Get("/sessions/whoami", r => r.Headers.Add("Origin", "https://app.example.com"));
        Assert.Equal(401, denied.Code);
        Assert.Equal("https://app.example.com", denied.Header("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Cors_is_not_applied_on_the_admin_listener()
    {
        var preflight = await _admin.Send(HttpMethod.Options, "/admin/sessions", Preflight("https://app.example.com"));
        Assert.Null(preflight.Header("Access-Control-Allow-Origin"));
        var actual = await _admin.Get("/admin/sessions", r => r.Headers.Add("Origin", "https://app.example.com"));
        Assert.Equal(200, actual.Code);
        Assert.Null(actual.Header("Access-Control-Allow-Origin"));
    }
}
