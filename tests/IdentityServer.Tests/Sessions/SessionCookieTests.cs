using IdentityServer.Config;
using IdentityServer.Sessions;
using IdentityServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace IdentityServer.Tests.Sessions;

/// <summary>Cookie attributes from session.cookie.* and cookies.*, and the signing rules.</summary>
public sealed class SessionCookieTests
{
    private static SessionCookie Cookie(string extraYaml, bool dev, string baseUrl = "http://127.0.0.1:4433/")
    {
        var yaml = TestServer.MinimalConfig("sqlite://unused.db", extraYaml).Replace("http://127.0.0.1:4433/", baseUrl);
        var loaded = ConfigStore.TryCreate([TestServer.WriteConfig(yaml)], new Dictionary<string, string>(), out var store);
        Assert.True(store is not null, string.Join("\n", loaded.Problems));
        return new SessionCookie(store!, dev);
    }

    [Fact]
    public void The_cookie_is_secure_unless_in_dev_mode()
    {
        var expires = DateTime.UtcNow.AddHours(1);
        Assert.True(Cookie("", dev: false, "https://auth.example.com/").Options(expires).Secure);
        Assert.False(Cookie("", dev: true, "https://auth.example.com/").Options(expires).Secure);
        // As in Kratos, also behind an http base URL: only dev mode drops Secure.
        Assert.True(Cookie("", dev: false).Options(expires).Secure);
    }

    [Fact]
    public void Session_cookie_settings_override_the_general_cookie_settings()
    {
        var cookie = Cookie("""
            cookies:
              domain: example.com
              path: /
              same_site: Strict
            session:
              cookie:
                name: my_session
                path: /auth
                same_site: None
                persistent: false
            """, dev: false);
        var options = cookie.Options(DateTime.UtcNow.AddHours(1));
        Assert.Equal("my_session", cookie.Name);
        Assert.Equal("example.com", options.Domain);
        Assert.Equal("/auth", options.Path);
        Assert.Equal(SameSiteMode.None, options.SameSite);
        Assert.True(options.HttpOnly);
        Assert.Null(options.Expires);
    }

    [Fact]
    public void Values_verify_only_with_a_listed_secret_and_the_matching_token()
    {
        var cookie = Cookie("", dev: true);
        var value = cookie.Protect("ory_st_abc");
        Assert.Equal("ory_st_abc", cookie.Unprotect(value));
        Assert.Null(cookie.Unprotect(value.Replace("ory_st_abc", "ory_st_abd")));
        Assert.Null(cookie.Unprotect(value[..^2] + "xx"));
        Assert.Null(cookie.Unprotect("ory_st_abc." + SessionCookie.Tag("another-secret", "ory_st_abc")));
        Assert.Null(cookie.Unprotect(""));
        Assert.Null(cookie.Unprotect("no-dot"));
    }

    [Fact]
    public void Logout_tokens_are_bound_to_the_session_token()
    {
        var a = SessionTokens.LogoutTokenFor("ory_st_one");
        Assert.Equal(a, SessionTokens.LogoutTokenFor("ory_st_one"));
        Assert.NotEqual(a, SessionTokens.LogoutTokenFor("ory_st_two"));
        Assert.Matches("^ory_lo_[A-Za-z0-9]{32}$", a);
        Assert.Matches("^ory_st_[A-Za-z0-9]{32}$", SessionTokens.NewSessionToken());
    }

    [Theory]
    [InlineData("https://*.example.com", "https://a.example.com", true)]
    [InlineData("https://*.example.com", "https://example.com", false)]
    [InlineData("https://*.example.com", "http://a.example.com", false)]
    [InlineData("*", "https://anything.test", true)]
    [InlineData("https://app.example.com", "https://APP.example.com", true)]
    [InlineData("https://app.example.com", "https://app.example.com.evil.test", false)]
    public void Origin_patterns_match_like_kratos(string pattern, string origin, bool expected) =>
        Assert.Equal(expected, OriginPattern.Parse(pattern).Matches(origin));
}
