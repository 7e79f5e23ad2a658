using System.Net;
using System.Text.RegularExpressions;
using IdentityServer.Hosting;
using IdentityServer.Tests.Infrastructure;

namespace IdentityServer.Tests.Ui;

/// <summary>The built-in pages, driven like a browser without JavaScript: follow redirects, read the form, post it.</summary>
public partial class BuiltInUiTests
{
    [GeneratedRegex("<form action=\"([^\"]+)\" method=\"([^\"]+)\">")]
    private static partial Regex FormTag();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();

    private const string Flows = """
        selfservice:
          default_browser_return_url: http://127.0.0.1:4433/ui/welcome
          methods:
            password:
              config:
                haveibeenpwned_enabled: false
          flows:
            login:
              ui_url: http://127.0.0.1:4433/ui/login
            registration:
              ui_url: http://127.0.0.1:4433/ui/registration
              after:
                password:
                  hooks:
                    - hook: session
            settings:
              ui_url: http://127.0.0.1:4433/ui/settings
            error:
              ui_url: http://127.0.0.1:4433/ui/error
            logout:
              after:
                default_browser_return_url: http://127.0.0.1:4433/ui/welcome
        """;

    /// <summary>The minimal config plus a second file with the flows, merged as `-c a -c b` would.</summary>
    private static Task<RunningServer> StartAsync() => ServerApp.StartAsync(new ServeRequest(
        [TestServer.WriteConfig(TestServer.MinimalConfig(TestDatabases.CreateSqlite())), TestServer.WriteConfig(Flows)], Dev: true)
    {
        Environment = new Dictionary<string, string>(),
        PortOverride = 0,
    });

    private sealed class Browser(RunningServer server) : IDisposable
    {
        private readonly HttpClient _http = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = server.PublicUrl,
        };

        /// <summary>Follows redirects; the configured UI URLs name port 4433, the test server runs elsewhere.</summary>
        public async Task<(string Url, HttpResponseMessage Response, string Html)> Go(string url, HttpContent? form = null)
        {
            var response = form is null ? await _http.GetAsync(Local(url)) : await _http.PostAsync(Local(url), form);
            Trail.Add($"{(int)response.StatusCode} {url}");
            for (var hops = 0; response.StatusCode is HttpStatusCode.SeeOther or HttpStatusCode.Found or HttpStatusCode.Redirect; hops++)
            {
                Assert.True(hops < 10, "too many redirects");
                url = response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.PathAndQuery : response.Headers.Location.OriginalString;
                response = await _http.GetAsync(Local(url));
                Trail.Add($"{(int)response.StatusCode} {url}");
            }
            return (url, response, await response.Content.ReadAsStringAsync());
        }

        public List<string> Trail { get; } = [];

        // A path is kept as it is ("/x?y" would parse as an absolute file URI on Unix).
        private static string Local(string url) => url.StartsWith('/') ? url : new Uri(url).PathAndQuery;

        public async Task<(string Url, HttpResponseMessage Response, string Html)> Submit(string html, Dictionary<string, string> fields)
        {
            var form = FormTag().Match(html);
            Assert.True(form.Success, "the page has no form:\n" + html);
            // The hidden inputs of the first form only: a page may hold a form per method.
            var formHtml = html[form.Index..html.IndexOf("</form>", form.Index, StringComparison.Ordinal)];
            var values = HiddenInput().Matches(formHtml).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
            foreach (var (k, v) in fields) values[k] = v;
            return await Go(WebUtility.HtmlDecode(form.Groups[1].Value), new FormUrlEncodedContent(values));
        }

        public void Dispose() => _http.Dispose();
    }

    [Fact]
    public async Task Sign_up_sign_out_and_sign_in_through_the_built_in_pages()
    {
        await using var server = await StartAsync();
        using var browser = new Browser(server);
        var email = $"ui-{Guid.NewGuid():N}@example.com";

        var registration = await browser.Go("/ui/registration");
        Assert.StartsWith("/ui/registration?flow=", registration.Url);
        Assert.True(registration.Response.Content.Headers.ContentType!.MediaType == "text/html", string.Join(" | ", browser.Trail) + " " + registration.Html);
        Assert.Contains("name=\"traits.email\"", registration.Html);
        Assert.Contains("name=\"csrf_token\"", registration.Html);

        // Two-step registration: the profile first, then the password with the profile kept in hidden inputs.
        Assert.Contains("name=\"method\" value=\"profile\"", registration.Html);
        Assert.DoesNotContain("name=\"password\"", registration.Html);
        var credentials = await browser.Submit(registration.Html, new() { ["traits.email"] = email, ["method"] = "profile" });
        Assert.StartsWith("/ui/registration?flow=", credentials.Url);
        Assert.Contains("data-id=\"1040009\"", credentials.Html);
        Assert.Contains($"<input type=\"hidden\" name=\"traits.email\" value=\"{email}\">", credentials.Html);
        Assert.Contains("name=\"screen\" value=\"previous\" formnovalidate>Back</button>", credentials.Html);

        var back = await browser.Submit(credentials.Html, new() { ["screen"] = "previous" });
        Assert.Contains($"name=\"traits.email\" value=\"{email}\"", back.Html);
        Assert.DoesNotContain("<input type=\"hidden\" name=\"traits.email\"", back.Html);
        credentials = await browser.Submit(back.Html, new() { ["traits.email"] = email, ["method"] = "profile" });

        var welcome = await browser.Submit(credentials.Html, new() { ["password"] = "a-long-passphrase!", ["method"] = "password" });
        Assert.StartsWith("/ui/welcome", welcome.Url);
        Assert.Contains("You are signed in.", welcome.Html);
        Assert.Contains(email, welcome.Html);

        var signOut = Regex.Match(welcome.Html, "<a href=\"([^\"]+)\">Sign out</a>");
        Assert.True(signOut.Success);
        var afterLogout = await browser.Go(WebUtility.HtmlDecode(signOut.Groups[1].Value));
        Assert.StartsWith("/ui/welcome", afterLogout.Url);
        Assert.Contains("You are not signed in.", afterLogout.Html);

        var login = await browser.Go("/ui/login");
        Assert.StartsWith("/ui/login?flow=", login.Url);
        var wrong = await browser.Submit(login.Html, new() { ["identifier"] = email, ["password"] = "not-the-password", ["method"] = "password" });
        Assert.StartsWith("/ui/login?flow=", wrong.Url);
        Assert.Contains("data-id=\"4000006\"", wrong.Html);

        var signedIn = await browser.Submit(wrong.Html, new() { ["identifier"] = email.ToUpperInvariant(), ["password"] = "a-long-passphrase!", ["method"] = "password" });
        Assert.StartsWith("/ui/welcome", signedIn.Url);
        Assert.Contains(email, signedIn.Html);
    }

    [Fact]
    public async Task Unknown_flows_start_afresh_and_values_are_escaped()
    {
        await using var server = await StartAsync();
        using var browser = new Browser(server);
        var page = await browser.Go($"/ui/login?flow={Guid.NewGuid()}");
        Assert.StartsWith("/ui/login?flow=", page.Url);
        Assert.Equal(HttpStatusCode.OK, page.Response.StatusCode);

        var registration = await browser.Go("/ui/registration");
        var evil = "<script>alert(1)</script>@example.com";
        var refused = await browser.Submit(registration.Html, new() { ["traits.email"] = evil, ["password"] = "a-long-passphrase!", ["method"] = "password" });
        Assert.StartsWith("/ui/registration?flow=", refused.Url);
        Assert.DoesNotContain("<script>alert(1)</script>", refused.Html);
        Assert.Contains("&lt;script&gt;", refused.Html);
    }

    [Fact]
    public async Task A_signed_in_person_changes_the_profile_on_the_settings_page()
    {
        await using var server = await StartAsync();
        using var browser = new Browser(server);
        var email = $"ui-{Guid.NewGuid():N}@example.com";
        var registration = await browser.Go("/ui/registration");
        var welcome = await browser.Submit(registration.Html, new() { ["traits.email"] = email, ["password"] = "a-long-passphrase!", ["method"] = "password" });
        Assert.Contains("href=\"/self-service/settings/browser\"", welcome.Html);

        var settings = await browser.Go("/self-service/settings/browser");
        Assert.StartsWith("/ui/settings?flow=", settings.Url);
        Assert.Equal(2, FormTag().Matches(settings.Html).Count);
        Assert.Contains($"value=\"{email}\"", settings.Html);

        // The first form is the profile's.
        var saved = await browser.Submit(settings.Html, new() { ["traits.email"] = email, ["traits.name.first"] = "Grace", ["method"] = "profile" });
        Assert.StartsWith("/ui/settings?flow=", saved.Url);
        Assert.Contains("data-id=\"1050001\"", saved.Html);
        Assert.Contains("value=\"Grace\"", saved.Html);

        // Someone else's browser cannot open the flow's page.
        using var stranger = new Browser(server);
        var foreign = await stranger.Go(saved.Url);
        Assert.DoesNotContain(email, foreign.Html);
    }
}
