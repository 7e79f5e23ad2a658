using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Persistence;
using IdentityServer.Sessions;
using IdentityServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Sessions;

public sealed class PostgresSessionApiTests(PostgresSessionFixture f) : SessionApiTests(f), IClassFixture<PostgresSessionFixture>;
public sealed class SqliteSessionApiTests(SqliteSessionFixture f) : SessionApiTests(f), IClassFixture<SqliteSessionFixture>;

/// <summary>Whoami, the caller's own sessions and the admin session API through HTTP, the same on every store.</summary>
public abstract class SessionApiTests(SessionFixture fixture) : IDisposable
{
    private readonly SessionHttp _public = new(fixture.Server.PublicUrl);
    private readonly SessionHttp _admin = new(fixture.Server.AdminUrl);

    public void Dispose()
    {
        _public.Dispose();
        _admin.Dispose();
    }

    private async Task<(Guid Identity, IssuedSession Session)> NewSession(string userAgent = "session-tests/1.0")
    {
        var identity = await fixture.CreateIdentityAsync(new JsonObject { ["secret_note"] = "admins only" });
        return (identity, await fixture.IssueAsync(identity, userAgent));
    }

    private string CookieFor(IssuedSession session) =>
        SessionTestSupport.CookiePair(SessionTestSupport.SetCookieHeader(fixture.Server, session));

    [Fact]
    public async Task Whoami_with_the_token_header_returns_the_kratos_session_shape()
    {
        var (identityId, issued) = await NewSession();
        var reply = await _public.Get("/sessions/whoami", SessionHttp.Token(issued.Token));
        Assert.Equal(200, reply.Code);
        Assert.StartsWith("application/json", reply.Header("Content-Type"));
        Assert.Equal(identityId.ToString(), reply.Header("X-Kratos-Authenticated-Identity-Id"));
        var s = reply.Json;
        Assert.Equal(issued.SessionId.ToString(), s["id"]!.GetValue<string>());
        Assert.True(s["active"]!.GetValue<bool>());
        Assert.Equal("aal1", s["authenticator_assurance_level"]!.GetValue<string>());
        var expires = DateTime.Parse(s["expires_at"]!.GetValue<string>()).ToUniversalTime();
        Assert.InRange(expires, DateTime.UtcNow.AddHours(23.9), DateTime.UtcNow.AddHours(24.1));
        Assert.NotNull(s["authenticated_at"]);
        Assert.NotNull(s["issued_at"]);
        var method = s["authentication_methods"]!.AsArray().Single()!;
        Assert.Equal("password", method["method"]!.GetValue<string>());
        Assert.Equal("aal1", method["aal"]!.GetValue<string>());
        Assert.NotNull(method["completed_at"]);
        var device = s["devices"]!.AsArray().Single()!;
        Assert.Equal("192.0.2.10", device["ip_address"]!.GetValue<string>());
        Assert.Equal("session-tests/1.0", device["user_agent"]!.GetValue<string>());
        Assert.True(Guid.TryParse(device["id"]!.GetValue<string>(), out _));
        var identity = s["identity"]!.AsObject();
        Assert.Equal(identityId.ToString(), identity["id"]!.GetValue<string>());
        Assert.Single(identity["verifiable_addresses"]!.AsArray());
        Assert.False(identity.ContainsKey("credentials"));
        Assert.False(identity.ContainsKey("metadata_admin"));
        Assert.DoesNotContain("admins only", reply.Text);
        Assert.DoesNotContain(issued.Token, reply.Text);
        // The issue response carries the same session.
        Assert.Equal(identityId.ToString(), issued.Session["identity"]!["id"]!.GetValue<string>());
        Assert.StartsWith("ory_st_", issued.Token);
    }

    [Fact]
    public async Task Whoami_writes_the_same_document_as_the_session_renderer()
    {
        var identity = await fixture.CreateIdentityAsync(new JsonObject { ["secret_note"] = "admins only" });
        var issued = await fixture.IssueAsync(identity);
        var whoami = JsonNode.Parse((await _public.Get("/sessions/whoami", SessionHttp.Token(issued.Token))).Text);
        using var scope = fixture.Server.Services.CreateScope();
        var sessions = scope.ServiceProvider.GetRequiredService<SessionService>();
        var record = await sessions.FindAsync(issued.SessionId, CancellationToken.None);
        var rendered = sessions.Render(record!, SessionJson.IdentityView.Public, withDevices: true);
        Assert.True(JsonNode.DeepEquals(rendered, whoami), $"renderer: {rendered.ToJsonString()}\nwhoami:   {whoami!.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(issued.Session, whoami), "the session returned at issue differs from whoami");
    }

    [Fact]
    public async Task Whoami_accepts_a_bearer_token()
    {
        var (_, issued) = await NewSession();
        var reply = await _public.Get("/sessions/whoami", SessionHttp.Bearer(issued.Token));
        Assert.Equal(200, reply.Code);
        Assert.Equal(issued.SessionId.ToString(), reply.Json["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Whoami_without_a_session_is_401_session_inactive()
    {
        var none = await _public.Get("/sessions/whoami");
        Assert.Equal(401, none.Code);
        Assert.Equal("session_inactive", none.ErrorId);
        Assert.Equal("No active session was found in this request.", none.Json["error"]!["reason"]!.GetValue<string>());

        var unknown = await _public.Get("/sessions/whoami", SessionHttp.Token("ory_st_notarealtokennotarealtoken12"));
        Assert.Equal(401, unknown.Code);
        Assert.Equal("session_inactive", unknown.ErrorId);
    }

    [Fact]
    public async Task Whoami_accepts_the_session_cookie_with_its_attributes()
    {
        var (_, issued) = await NewSession();
        var setCookie = SessionTestSupport.SetCookieHeader(fixture.Server, issued);
        Assert.StartsWith("ory_kratos_session=", setCookie);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie);
        Assert.Contains("expires=", setCookie);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase);

        var reply = await _public.Get("/sessions/whoami", SessionHttp.Cookie(SessionTestSupport.CookiePair(setCookie)));
        Assert.Equal(200, reply.Code);
        Assert.Equal(issued.SessionId.ToString(), reply.Json["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cookie_signed_with_an_older_listed_secret_still_verifies()
    {
        var (_, issued) = await NewSession();
        var oldCookie = $"ory_kratos_session={issued.Token}.{SessionCookie.Tag(SessionFixture.OldSecret, issued.Token)}";
        var reply = await _public.Get("/sessions/whoami", SessionHttp.Cookie(oldCookie));
        Assert.Equal(200, reply.Code);
    }

    [Fact]
    public async Task Tampered_or_foreign_cookies_are_refused()
    {
        var (_, issued) = await NewSession();
        var (_, other) = await NewSession();
        var pair = CookieFor(issued);
        var tag = pair[(pair.LastIndexOf('.') + 1)..];
        // Another session's token with this session's tag.
        var swapped = $"ory_kratos_session={other.Token}.{tag}";
        var unknownSecret = $"ory_kratos_session={issued.Token}.{SessionCookie.Tag("some-secret-nobody-configured-000", issued.Token)}";
        var unsigned = $"ory_kratos_session={issued.Token}";
        foreach (var cookie in new[] { swapped, unknownSecret, unsigned })
        {
            var reply = await _public.Get("/sessions/whoami", SessionHttp.Cookie(cookie));
            Assert.True(reply.Code == 401, $"{cookie} answered {reply.Code}");
        }
    }

    [Fact]
    public async Task Only_a_sha256_hash_of_the_token_is_stored()
    {
        var (_, issued) = await NewSession();
        using var scope = fixture.Server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var row = await db.Set<SessionRecord>().AsNoTracking().SingleAsync(s => s.Id == issued.SessionId);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(issued.Token))), row.TokenHash);
        Assert.NotEqual(issued.Token, row.TokenHash);
        Assert.Equal(0, await db.Set<SessionRecord>().CountAsync(s => s.TokenHash == issued.Token));
    }

    [Fact]
    public async Task A_revoked_session_is_no_longer_accepted()
    {
        var (_, issued) = await NewSession();
        Assert.Equal(204, (await _admin.Send(HttpMethod.Delete, $"/admin/sessions/{issued.SessionId}")).Code);
        var reply = await _public.Get("/sessions/whoami", SessionHttp.Token(issued.Token));
        Assert.Equal(401, reply.Code);
        Assert.Equal("session_inactive", reply.ErrorId);
        var admin = await _admin.Get($"/admin/sessions/{issued.SessionId}");
        Assert.False(admin.Json["active"]!.GetValue<bool>());
        Assert.Equal(404, (await _admin.Send(HttpMethod.Delete, $"/admin/sessions/{Guid.NewGuid()}")).Code);
        Assert.Equal(400, (await _admin.Send(HttpMethod.Delete, "/admin/sessions/not-a-uuid")).Code);
    }

    [Fact]
    public async Task An_inactive_identity_has_no_session()
    {
        var (identityId, issued) = await NewSession();
        Assert.Equal(200, (await _public.Get("/sessions/whoami", SessionHttp.Token(issued.Token))).Code);
        var current = (await fixture.Admin.Get($"/admin/identities/{identityId}")).Json.AsObject();
        var replace = new JsonObject
        {
            ["schema_id"] = "default",
            ["traits"] = current["traits"]!.DeepClone(),
            ["state"] = "inactive",
        };
        var put = await fixture.Admin.Put($"/admin/identities/{identityId}", replace);
        Assert.True(put.Code == 200, $"PUT answered {put.Code}: {put.Body}");
        var reply = await _public.Get("/sessions/whoami", SessionHttp.Token(issued.Token));
        Assert.Equal(401, reply.Code);
        Assert.Equal("session_inactive", reply.ErrorId);
    }

    [Fact]
    public async Task My_other_sessions_are_listed_paginated_and_revoked()
    {
        var (identityId, current) = await NewSession("phone");
        var others = new List<IssuedSession>();
        for (var i = 0; i < 3; i++)
            others.Add(await fixture.IssueAsync(identityId, $"laptop-{i}"));
        var (_, stranger) = await NewSession();

        var first = await _public.Get("/sessions?page_size=2", SessionHttp.Token(current.Token));
        Assert.Equal(200, first.Code);
        var page1 = first.Json.AsArray();
        Assert.Equal(2, page1.Count);
        var link = first.Header("Link")!;
        Assert.Contains("rel=\"next\"", link);
        var next = link.Split(',').Single(l => l.Contains("rel=\"next\"")).Split(';')[0].Trim('<', '>', ' ');
        var second = await _public.Get(next, SessionHttp.Token(current.Token));
        var page2 = second.Json.AsArray();
        Assert.Single(page2);
        Assert.DoesNotContain("rel=\"next\"", second.Header("Link")!);
        // Newest first, as Kratos lists sessions.
        var listed = page1.Concat(page2).Select(s => s!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(others.Select(o => o.SessionId.ToString()).Reverse(), listed);
        Assert.All(page1, s => Assert.Equal(identityId.ToString(), s!["identity"]!["id"]!.GetValue<string>()));

        // The current session cannot be revoked here; another one can.
        var self = await _public.Send(HttpMethod.Delete, $"/sessions/{current.SessionId}", SessionHttp.Token(current.Token));
        Assert.Equal(400, self.Code);
        var one = await _public.Send(HttpMethod.Delete, $"/sessions/{others[0].SessionId}", SessionHttp.Token(current.Token));
        Assert.Equal(204, one.Code);
        Assert.Equal(401, (await _public.Get("/sessions/whoami", SessionHttp.Token(others[0].Token))).Code);
        // Someone else's session is out of reach.
        await _public.Send(HttpMethod.Delete, $"/sessions/{stranger.SessionId}", SessionHttp.Token(current.Token));
        Assert.Equal(200, (await _public.Get("/sessions/whoami", SessionHttp.Token(stranger.Token))).Code);

        var all = await _public.Send(HttpMethod.Delete, "/sessions", SessionHttp.Token(current.Token));
        Assert.Equal(200, all.Code);
        Assert.Equal(2, all.Json["count"]!.GetValue<int>());
        Assert.Equal(401, (await _public.Get("/sessions/whoami", SessionHttp.Token(others[1].Token))).Code);
        Assert.Equal(200, (await _public.Get("/sessions/whoami", SessionHttp.Token(current.Token))).Code);
        Assert.Empty((await _public.Get("/sessions", SessionHttp.Token(current.Token))).Json.AsArray());

        Assert.Equal(401, (await _public.Get("/sessions")).Code);
        Assert.Equal(401, (await _public.Send(HttpMethod.Delete, "/sessions")).Code);
    }

    [Fact]
    public async Task Admin_lists_sessions_with_pagination_filters_and_expansion()
    {
        var (identityId, a) = await NewSession();
        var b = await fixture.IssueAsync(identityId);
        var c = await fixture.IssueAsync(identityId);
        Assert.Equal(204, (await _admin.Send(HttpMethod.Delete, $"/admin/sessions/{c.SessionId}")).Code);

        // Walk every page of the whole list with a small page size.
        var seen = new List<JsonNode>();
        var path = "/admin/sessions?page_size=2";
        for (var guard = 0; path is not null && guard < 1000; guard++)
        {
            var reply = await _admin.Get(path);
            Assert.Equal(200, reply.Code);
            var items = reply.Json.AsArray();
            Assert.True(items.Count <= 2);
            seen.AddRange(items.Select(i => i!));
            path = reply.Header("Link")!.Split(',').FirstOrDefault(l => l.Contains("rel=\"next\""))?.Split(';')[0].Trim('<', '>', ' ');
        }
        var ids = seen.Select(s => s["id"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var newestFirst = ids.IndexOf(c.SessionId.ToString());
        Assert.True(newestFirst < ids.IndexOf(b.SessionId.ToString()) && ids.IndexOf(b.SessionId.ToString()) < ids.IndexOf(a.SessionId.ToString()),
            "sessions are listed newest first");
        Assert.Contains(a.SessionId.ToString(), ids);
        Assert.Contains(c.SessionId.ToString(), ids);
        Assert.All(seen, s => Assert.Null(s["identity"]));
        Assert.All(seen, s => Assert.Null(s["devices"]));

        var active = (await _admin.Get("/admin/sessions?active=true&page_size=1000")).Json.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(b.SessionId.ToString(), active);
        Assert.DoesNotContain(c.SessionId.ToString(), active);
        var inactive = (await _admin.Get("/admin/sessions?active=false&page_size=1000")).Json.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(c.SessionId.ToString(), inactive);
        Assert.DoesNotContain(b.SessionId.ToString(), inactive);

        var expanded = (await _admin.Get("/admin/sessions?expand=identity&expand=devices&page_size=1000")).Json.AsArray()
            .Single(s => s!["id"]!.GetValue<string>() == a.SessionId.ToString())!;
        Assert.Equal("admins only", expanded["identity"]!["metadata_admin"]!["secret_note"]!.GetValue<string>());
        Assert.Single(expanded["devices"]!.AsArray());

        Assert.Equal(400, (await _admin.Get("/admin/sessions?expand=everything")).Code);
        Assert.Equal(400, (await _admin.Get("/admin/sessions?active=maybe")).Code);
        Assert.Equal(400, (await _admin.Get("/admin/sessions?page_token=%%%")).Code);
        Assert.Equal(400, (await _admin.Get("/admin/sessions?page_size=0")).Code);
    }

    [Fact]
    public async Task Admin_gets_one_session_with_optional_expansion()
    {
        var (identityId, issued) = await NewSession();
        var plain = await _admin.Get($"/admin/sessions/{issued.SessionId}");
        Assert.Equal(200, plain.Code);
        Assert.Null(plain.Json["identity"]);
        var expanded = await _admin.Get($"/admin/sessions/{issued.SessionId}?expand=identity&expand=devices");
        Assert.Equal(identityId.ToString(), expanded.Json["identity"]!["id"]!.GetValue<string>());
        Assert.NotNull(expanded.Json["devices"]);
        Assert.Equal(404, (await _admin.Get($"/admin/sessions/{Guid.NewGuid()}")).Code);
        Assert.Equal(400, (await _admin.Get("/admin/sessions/xyz")).Code);
        // The admin API is not on the public listener and the other way round.
        Assert.Equal(404, (await _public.Get($"/admin/sessions/{issued.SessionId}")).Code);
        Assert.Equal(404, (await _admin.Get("/sessions/whoami", SessionHttp.Token(issued.Token))).Code);
    }

    [Fact]
    public async Task Admin_extends_a_session()
    {
        var (_, issued) = await NewSession();
        using (var scope = fixture.Server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var soon = DateTime.UtcNow.AddMinutes(5);
            await db.Set<SessionRecord>().Where(s => s.Id == issued.SessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.ExpiresAt, soon));
        }
        var reply = await _admin.Send(HttpMethod.Patch, $"/admin/sessions/{issued.SessionId}/extend");
        Assert.Equal(200, reply.Code);
        var expires = DateTime.Parse(reply.Json["expires_at"]!.GetValue<string>()).ToUniversalTime();
        Assert.InRange(expires, DateTime.UtcNow.AddHours(23.9), DateTime.UtcNow.AddHours(24.1));
        Assert.Equal(404, (await _admin.Send(HttpMethod.Patch, $"/admin/sessions/{Guid.NewGuid()}/extend")).Code);
        Assert.Equal(400, (await _admin.Send(HttpMethod.Patch, "/admin/sessions/nope/extend")).Code);
    }

    [Fact]
    public async Task Admin_lists_and_deletes_the_sessions_of_an_identity()
    {
        var (identityId, a) = await NewSession();
        var b = await fixture.IssueAsync(identityId);
        var (_, stranger) = await NewSession();
        var list = await _admin.Get($"/admin/identities/{identityId}/sessions");
        Assert.Equal(200, list.Code);
        var ids = list.Json.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(new HashSet<string> { a.SessionId.ToString(), b.SessionId.ToString() }, ids);
        Assert.All(list.Json.AsArray(), s => Assert.NotNull(s!["identity"]));

        Assert.Equal(204, (await _admin.Send(HttpMethod.Delete, $"/admin/identities/{identityId}/sessions")).Code);
        Assert.Empty((await _admin.Get($"/admin/identities/{identityId}/sessions")).Json.AsArray());
        Assert.Equal(401, (await _public.Get("/sessions/whoami", SessionHttp.Token(a.Token))).Code);
        Assert.Equal(404, (await _admin.Send(HttpMethod.Delete, $"/admin/identities/{identityId}/sessions")).Code);
        Assert.Equal(200, (await _public.Get("/sessions/whoami", SessionHttp.Token(stranger.Token))).Code);
        Assert.Equal(404, (await _admin.Get($"/admin/identities/{Guid.NewGuid()}/sessions")).Code);
    }

    [Fact]
    public async Task Deleting_an_identity_removes_its_sessions()
    {
        var (identityId, issued) = await NewSession();
        Assert.Equal(204, (await _admin.Send(HttpMethod.Delete, $"/admin/identities/{identityId}")).Code);
        Assert.Equal(401, (await _public.Get("/sessions/whoami", SessionHttp.Token(issued.Token))).Code);
        Assert.Equal(404, (await _admin.Get($"/admin/sessions/{issued.SessionId}")).Code);
    }
}

public sealed class PostgresSessionExtendWithTests(PostgresSessionFixture f) : SessionExtendWithTests(f), IClassFixture<PostgresSessionFixture>;
public sealed class SqliteSessionExtendWithTests(SqliteSessionFixture f) : SessionExtendWithTests(f), IClassFixture<SqliteSessionFixture>;

/// <summary>A second factor or a re-authentication added to an existing session, as the login flow does it.</summary>
public abstract class SessionExtendWithTests(SessionFixture fixture) : IDisposable
{
    private readonly SessionHttp _public = new(fixture.Server.PublicUrl);

    public void Dispose() => _public.Dispose();

    [Fact]
    public async Task Added_factors_raise_the_aal_and_record_the_new_device()
    {
        var identity = await fixture.CreateIdentityAsync();
        var issued = await fixture.IssueAsync(identity, "first-device");
        var completed = DateTime.UtcNow;
        using (var scope = fixture.Server.Services.CreateScope())
        {
            var sessions = scope.ServiceProvider.GetRequiredService<ISessionService>();
            var json = await sessions.ExtendWithAsync(issued.SessionId, [new AuthenticationMethod("totp", "aal2", completed)],
                SessionTestSupport.FakeRequest("second-device"), CancellationToken.None);
            Assert.Equal("aal2", json["authenticator_assurance_level"]!.GetValue<string>());
        }
        var whoami = (await _public.Get("/sessions/whoami", SessionHttp.Token(issued.Token))).Json;
        Assert.Equal("aal2", whoami["authenticator_assurance_level"]!.GetValue<string>());
        Assert.Equal(["password", "totp"], whoami["authentication_methods"]!.AsArray().Select(m => m!["method"]!.GetValue<string>()));
        Assert.Equal(["first-device", "second-device"], whoami["devices"]!.AsArray().Select(d => d!["user_agent"]!.GetValue<string>()));
        var authenticatedAt = DateTime.Parse(whoami["authenticated_at"]!.GetValue<string>()).ToUniversalTime();
        Assert.InRange(authenticatedAt, completed.AddMilliseconds(-1), completed.AddSeconds(1));

        using var check = fixture.Server.Services.CreateScope();
        var current = await check.ServiceProvider.GetRequiredService<ISessionService>().CurrentAsync(
            WithToken(issued.Token), CancellationToken.None);
        Assert.NotNull(current);
        Assert.Equal(identity, current.IdentityId);
        Assert.Equal("aal2", current.Aal);
        Assert.False(current.FromCookie);
        Assert.Equal(2, current.Methods.Count);
    }

    private static Microsoft.AspNetCore.Http.DefaultHttpContext WithToken(string token)
    {
        var http = SessionTestSupport.FakeRequest("checker");
        http.Request.Headers["X-Session-Token"] = token;
        return http;
    }
}
