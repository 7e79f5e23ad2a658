using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Hosting;
using IdentityServer.Tests.Infrastructure;

namespace IdentityServer.Tests.Hostile;

/// <summary>
/// The `Secure` attribute of the CSRF, session and continuity cookies: set whenever dev mode is off (also
/// behind an http base URL, as in Kratos), unless `cookies.secure` / `session.cookie.secure` say otherwise.
/// </summary>
public sealed class SecureCookieTests
{
    private static async Task<RunningServer> Start(bool dev, string extra = "") =>
        await ServerApp.StartAsync(new ServeRequest([TestServer.WriteConfig(TestServer.MinimalConfig(TestDatabases.CreateSqlite(), """
              flows:
                registration:
                  after:
                    password:
                      hooks:
                        - hook: session
            """ + extra + """

            hashers:
              algorithm: bcrypt
              bcrypt:
                cost: 4
            """))], Dev: dev)
        {
            Environment = new Dictionary<string, string>(),
            PortOverride = 0,
        });

    /// <summary>Registers in a browser flow and returns the Set-Cookie headers of the CSRF and the session cookie.</summary>
    private static async Task<(string Csrf, string Session)> BrowserCookies(RunningServer server)
    {
        // Cookies are carried by hand: a cookie jar would not send Secure cookies over http.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.PublicUrl };
        var init = await http.GetAsync("/self-service/registration/browser");
        Assert.Equal(HttpStatusCode.SeeOther, init.StatusCode);
        var csrfCookie = init.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("csrf_token", StringComparison.Ordinal));
        var pair = csrfCookie.Split(';')[0];
        var flowId = init.Headers.Location!.ToString().Split("flow=")[1];
        using var get = new HttpRequestMessage(HttpMethod.Get, $"/self-service/registration/flows?id={flowId}");
        get.Headers.Add("Cookie", pair);
        var flow = JsonNode.Parse(await (await http.SendAsync(get)).Content.ReadAsStringAsync())!;
        var csrf = flow["ui"]!["nodes"]!.AsArray().Single(n => n!["attributes"]!["name"]!.GetValue<string>() == "csrf_token")!["attributes"]!["value"]!.GetValue<string>();
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/self-service/registration?flow={flowId}")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["csrf_token"] = csrf, ["method"] = "password", ["password"] = Flows.FlowTestSteps.Password,
                ["traits.email"] = Flows.FlowTestSteps.NewEmail(),
            }),
        };
        post.Headers.Add("Cookie", pair);
        var done = await http.SendAsync(post);
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, await done.Content.ReadAsStringAsync());
        var session = done.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ory_kratos_session=", StringComparison.Ordinal));
        return (csrfCookie, session);
    }

    private static bool IsSecure(string setCookie) =>
        setCookie.Split(';').Any(p => p.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task Cookies_are_secure_when_dev_mode_is_off_even_behind_an_http_base_url()
    {
        await using var server = await Start(dev: false);
        var (csrf, session) = await BrowserCookies(server);
        Assert.True(IsSecure(csrf), csrf);
        Assert.True(IsSecure(session), session);
    }

    [Fact]
    public async Task Dev_mode_drops_the_secure_flag()
    {
        await using var server = await Start(dev: true);
        var (csrf, session) = await BrowserCookies(server);
        Assert.False(IsSecure(csrf), csrf);
        Assert.False(IsSecure(session), session);
    }

    [Fact]
    public async Task Configuration_overrides_the_secure_flag_per_cookie()
    {
        await using var server = await Start(dev: false, """

            cookies:
              secure: "false"
            session:
              cookie:
                secure: "true"
            """);
        var (csrf, session) = await BrowserCookies(server);
        Assert.False(IsSecure(csrf), csrf);
        Assert.True(IsSecure(session), session);
    }
}
