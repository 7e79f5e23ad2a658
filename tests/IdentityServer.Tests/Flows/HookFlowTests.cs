using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Text;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Flows;

public sealed class PostgresHookFlowTests(PostgresHookFlowFixture f) : HookFlowTests(f), IClassFixture<PostgresHookFlowFixture>;
public sealed class SqliteHookFlowTests(SqliteHookFlowFixture f) : HookFlowTests(f), IClassFixture<SqliteHookFlowFixture>;

/// <summary>Flows under a configuration with hooks and the breach check; sessions from the real session service.</summary>
public abstract class HookFlowTests(HookFlowFixture fixture)
{
    private async Task<string> CreateVerifiedIdentity(string email)
    {
        var reply = await fixture.Admin.Post("/admin/identities", new JsonObject
        {
            ["schema_id"] = "default",
            ["traits"] = new JsonObject { ["email"] = email },
            ["verifiable_addresses"] = new JsonArray(new JsonObject { ["value"] = email, ["via"] = "email", ["verified"] = true }),
            ["credentials"] = new JsonObject { ["password"] = new JsonObject { ["config"] = new JsonObject { ["password"] = Password } } },
        });
        Assert.True(reply.Code == 201, reply.Body?.ToJsonString());
        return reply.Json["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task Registration_continues_into_verification()
    {
        using var browser = fixture.Browser();
        var flow = await StartBrowserFlow(browser, "registration");
        var email = NewEmail();
        var reply = await browser.PostJson($"/self-service/registration?flow={Id(flow)}", RegistrationBody(email, csrf: Csrf(flow)));
        Assert.True(reply.Code == 200, reply.ToString());
        Assert.NotNull(reply.Json["session"]);
        var next = reply.Json["continue_with"]!.AsArray().Single()!;
        Assert.Equal("show_verification_ui", next["action"]!.GetValue<string>());
        Assert.Equal(email, next["flow"]!["verifiable_address"]!.GetValue<string>());
        Assert.StartsWith(FlowFixture.AppUrl + "/verification?flow=", next["flow"]!["url"]!.GetValue<string>());

        using var formBrowser = fixture.Browser();
        var formFlow = await StartBrowserFlow(formBrowser, "registration");
        var form = await formBrowser.PostForm($"/self-service/registration?flow={Id(formFlow)}",
            [new("csrf_token", Csrf(formFlow)), new("traits.email", NewEmail()), new("password", Password), new("method", "password")]);
        Assert.Equal(HttpStatusCode.SeeOther, form.Status);
        Assert.StartsWith(FlowFixture.AppUrl + "/verification?flow=", form.Location);
    }

    [Fact]
    public async Task Login_is_refused_until_an_address_is_verified()
    {
        var email = NewEmail();
        using var app = fixture.Native();
        var registered = await RegisterNative(app, email);
        var identityId = Guid.Parse(registered["identity"]!["id"]!.GetValue<string>());
        var before = await fixture.ActiveSessionCount(identityId);

        var login = await LoginNative(app, email);
        Assert.Equal(400, login.Code);
        Assert.Equal([Messages.AddressNotVerified().Id], MessageIds(login.Json));
        Assert.Equal(before, await fixture.ActiveSessionCount(identityId));
    }

    [Fact]
    public async Task Login_revokes_the_other_sessions()
    {
        var email = NewEmail();
        var id = Guid.Parse(await CreateVerifiedIdentity(email));
        using var app = fixture.Native();
        var first = await LoginNative(app, email);
        Assert.True(first.Code == 200, first.ToString());
        var second = await LoginNative(app, email);
        Assert.True(second.Code == 200, second.ToString());
        Assert.Equal(1, await fixture.ActiveSessionCount(id));

        // The first token no longer counts as signed in; the second does.
        var withFirst = await app.GetJson("/self-service/login/api",
            new Dictionary<string, string> { ["X-Session-Token"] = first.Json["session_token"]!.GetValue<string>() });
        Assert.Equal(200, withFirst.Code);
        var withSecond = await app.GetJson("/self-service/login/api",
            new Dictionary<string, string> { ["Authorization"] = "Bearer " + second.Json["session_token"]!.GetValue<string>() });
        Assert.Equal("session_already_available", withSecond.ErrorId);
    }

    [Fact]
    public async Task Breached_passwords_are_refused_through_the_range_api()
    {
        var requests = fixture.Breaches.Requests;
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "registration");
        var email = NewEmail();
        var reply = await app.PostJson($"/self-service/registration?flow={Id(flow)}", RegistrationBody(email, BreachStub.BreachedPassword));
        Assert.Equal(400, reply.Code);
        Assert.Equal([4000034L], NodeMessageIds(reply.Json, "password"));
        Assert.True(fixture.Breaches.Requests > requests);
        Assert.Equal(0, await CountIdentities(fixture.Admin, email));

        var fine = await app.PostJson($"/self-service/registration?flow={Id(flow)}", RegistrationBody(email));
        Assert.True(fine.Code == 200, fine.ToString());
    }

    [Fact]
    public async Task Duplicate_registration_without_login_hints_is_4000007()
    {
        var email = NewEmail();
        using var app = fixture.Native();
        await RegisterNative(app, email);
        var flow = await StartApiFlow(app, "registration");
        var reply = await app.PostJson($"/self-service/registration?flow={Id(flow)}", RegistrationBody(email));
        Assert.Equal(400, reply.Code);
        Assert.Equal([4000007L], MessageIds(reply.Json));
    }

    [Fact]
    public async Task A_hook_can_refuse_a_registration_with_a_message_and_nothing_remains()
    {
        using var app = fixture.Native();
        var flow = await StartApiFlow(app, "registration");
        var email = $"user-{Guid.NewGuid():N}@blocked.example.com";
        var reply = await app.PostJson($"/self-service/registration?flow={Id(flow)}", RegistrationBody(email));
        Assert.Equal(400, reply.Code);
        Assert.Equal([4000001L], MessageIds(reply.Json));
        Assert.Null(reply.Json["session_token"]);
        Assert.Equal(0, await CountIdentities(fixture.Admin, email));
    }
}
