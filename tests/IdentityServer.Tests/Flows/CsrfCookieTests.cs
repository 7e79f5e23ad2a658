using IdentityServer.Config;
using IdentityServer.Hosting;
using IdentityServer.SelfService.Flows;
using IdentityServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace IdentityServer.Tests.Flows;

public sealed class CsrfCookieTests
{
    private static CsrfTokens Tokens(string baseUrl, bool dev)
    {
        var yaml = TestServer.MinimalConfig("sqlite://" + Path.Combine(Path.GetTempPath(), "unused.db"))
            .Replace("base_url: http://127.0.0.1:4433/", "base_url: " + baseUrl);
        var file = TestServer.WriteConfig(yaml);
        var result = ConfigStore.TryCreate([file], new Dictionary<string, string>(), out var store);
        Assert.True(store is not null, string.Join("\n", result.Problems));
        return new CsrfTokens(store!, new ServeRequest([file], Dev: dev));
    }

    private static string SetCookie(CsrfTokens tokens)
    {
        var http = new DefaultHttpContext();
        tokens.IssueMasked(http);
        return http.Response.Headers.SetCookie.ToString();
    }

    [Fact]
    public void The_cookie_is_http_only_lax_and_secure_unless_dev()
    {
        var https = SetCookie(Tokens("https://auth.example.com/", dev: false));
        Assert.Contains("httponly", https, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", https, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", https, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("csrf_token_", https);

        Assert.DoesNotContain("secure", SetCookie(Tokens("https://auth.example.com/", dev: true)), StringComparison.OrdinalIgnoreCase);
        // As in Kratos, also behind an http base URL: only dev mode drops Secure.
        Assert.Contains("secure", SetCookie(Tokens("http://auth.example.com/", dev: false)), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Masked_tokens_differ_each_time_but_match_the_same_cookie()
    {
        var tokens = Tokens("http://127.0.0.1:4433/", dev: true);
        var first = new DefaultHttpContext();
        var a = tokens.IssueMasked(first);
        var cookie = first.Response.Headers.SetCookie.ToString().Split(';')[0];

        var next = new DefaultHttpContext();
        next.Request.Headers.Cookie = cookie;
        var b = tokens.IssueMasked(next);
        Assert.NotEqual(a, b);
        Assert.True(tokens.Matches(next, a));
        Assert.True(tokens.Matches(next, b));
        Assert.False(tokens.Matches(next, Convert.ToBase64String(new byte[64])));
        Assert.False(tokens.Matches(new DefaultHttpContext(), a));
    }
}
