using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Hosting;
using IdentityServer.Tests.Flows;
using IdentityServer.Tests.Infrastructure;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Hostile;

/// <summary>A server whose identity schema has optional traits of every kind a form has to convert.</summary>
public sealed class FormDecodingFixture : IAsyncLifetime
{
    public const string Schema = """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "type": "object",
          "properties": {
            "traits": {
              "type": "object",
              "properties": {
                "email": {
                  "type": "string", "format": "email",
                  "ory.sh/kratos": { "credentials": { "password": { "identifier": true } } }
                },
                "language": { "type": "string", "enum": ["en", "de"] },
                "website": { "type": "string", "format": "uri" },
                "nickname": { "type": "string", "minLength": 2 },
                "age": { "type": "integer", "minimum": 0 },
                "height": { "type": "number" },
                "newsletter": { "type": "boolean" },
                "interests": { "type": "array", "items": { "type": "string", "enum": ["a", "b", "c"] } },
                "lucky": { "type": "array", "items": { "type": "number" } },
                "address": {
                  "type": "object",
                  "properties": { "zip": { "type": "string", "pattern": "^[0-9]{5}$" }, "floor": { "type": "integer" } }
                }
              },
              "required": ["email"],
              "additionalProperties": false
            }
          }
        }
        """;

    public RunningServer Server { get; private set; } = null!;
    public Api Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var schemaPath = Path.Combine(Path.GetTempPath(), "identityserver-tests", Guid.NewGuid().ToString("N") + ".schema.json");
        Directory.CreateDirectory(Path.GetDirectoryName(schemaPath)!);
        await File.WriteAllTextAsync(schemaPath, Schema);
        var app = FlowFixture.AppUrl;
        var yaml = TestServer.MinimalConfig(TestDatabases.CreateSqlite(), $"""
              flows:
                registration:
                  ui_url: {app}/registration
                  after:
                    password:
                      hooks:
                        - hook: session
                settings:
                  ui_url: {app}/settings
                login:
                  ui_url: {app}/login
              methods:
                password:
                  config:
                    haveibeenpwned_enabled: false
            hashers:
              algorithm: bcrypt
              bcrypt:
                cost: 4
            """).Replace(Path.Combine(TestPaths.RepoRoot, "identity-schemas", "email-password.schema.json"), schemaPath);
        Server = await ServerApp.StartAsync(new ServeRequest([TestServer.WriteConfig(yaml)], Dev: true)
        {
            Environment = new Dictionary<string, string>(),
            PortOverride = 0,
        });
        Admin = new Api(Server.AdminUrl);
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>
/// Form posts are decoded as Kratos decodes them: empty values of optional fields are left out, values
/// take the types the identity schema declares, and repeated keys make arrays where the schema wants one.
/// </summary>
public sealed class FormDecodingTests(FormDecodingFixture fixture) : IClassFixture<FormDecodingFixture>
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    private async Task<JsonObject> TraitsOf(string email)
    {
        var found = await fixture.Admin.Get("/admin/identities?credentials_identifier=" + Uri.EscapeDataString(email));
        return found.Json.AsArray().Single()!["traits"]!.AsObject();
    }

    private async Task<(FlowClient Browser, FlowClient.Reply Reply)> RegisterByForm(string email, params KeyValuePair<string, string>[] traits)
    {
        var browser = new FlowClient(fixture.Server.PublicUrl);
        var init = await browser.GetBrowser("/self-service/registration/browser");
        var flowId = init.Location!.Split("flow=")[1];
        var flow = (await browser.GetJson($"/self-service/registration/flows?id={flowId}")).Json;
        var fields = new List<KeyValuePair<string, string>>
        {
            F("csrf_token", Csrf(flow)), F("traits.email", email), F("password", Password), F("method", "password"),
        };
        fields.AddRange(traits);
        return (browser, await browser.PostForm($"/self-service/registration?flow={flowId}", fields));
    }

    [Fact]
    public async Task Empty_optional_fields_of_a_form_are_left_out()
    {
        var email = NewEmail();
        var (browser, reply) = await RegisterByForm(email,
            F("traits.language", ""), F("traits.website", ""), F("traits.nickname", ""), F("traits.age", ""), F("traits.height", ""),
            F("traits.newsletter", ""), F("traits.address.zip", ""), F("traits.address.floor", ""));
        using var _ = browser;
        Assert.True(reply.Status == HttpStatusCode.SeeOther && reply.Location == FlowFixture.AppUrl + "/", reply.ToString());
        var traits = await TraitsOf(email);
        Assert.Equal(email, traits["email"]!.GetValue<string>());
        Assert.False(traits.ContainsKey("language"));
        Assert.False(traits.ContainsKey("age"));
        Assert.False(traits.ContainsKey("newsletter"));
        Assert.False(traits["address"] is JsonObject { Count: > 0 });
    }

    [Fact]
    public async Task Form_values_take_the_types_of_the_schema()
    {
        var email = NewEmail();
        var (browser, reply) = await RegisterByForm(email,
            F("traits.language", "de"), F("traits.website", "https://example.com/me"), F("traits.nickname", "Bo"),
            F("traits.age", "42"), F("traits.height", "1.85"), F("traits.newsletter", "true"),
            F("traits.interests", "a"), F("traits.interests", "c"), F("traits.lucky", "7"), F("traits.lucky", "3.5"),
            F("traits.address.zip", "12345"), F("traits.address.floor", "3"));
        using var _ = browser;
        Assert.True(reply.Status == HttpStatusCode.SeeOther && reply.Location == FlowFixture.AppUrl + "/", reply.ToString());
        var traits = await TraitsOf(email);
        Assert.Equal("de", traits["language"]!.GetValue<string>());
        Assert.Equal(42, traits["age"]!.GetValue<long>());
        Assert.Equal(1.85, traits["height"]!.GetValue<double>());
        Assert.True(traits["newsletter"]!.GetValue<bool>());
        Assert.Equal(["a", "c"], traits["interests"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal([7.0, 3.5], traits["lucky"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal(3, traits["address"]!["floor"]!.GetValue<long>());
        Assert.Equal("12345", traits["address"]!["zip"]!.GetValue<string>());
    }

    [Fact]
    public async Task One_value_of_an_array_trait_is_an_array_and_false_is_a_boolean()
    {
        var email = NewEmail();
        var (browser, reply) = await RegisterByForm(email, F("traits.interests", "b"), F("traits.newsletter", "false"));
        using var _ = browser;
        Assert.True(reply.Status == HttpStatusCode.SeeOther, reply.ToString());
        var traits = await TraitsOf(email);
        Assert.Equal(["b"], traits["interests"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.False(traits["newsletter"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Wrong_values_are_still_refused_on_their_field()
    {
        var email = NewEmail();
        var (browser, reply) = await RegisterByForm(email, F("traits.language", "fr"), F("traits.age", "old"));
        using var _ = browser;
        Assert.Equal(HttpStatusCode.SeeOther, reply.Status);
        Assert.StartsWith(FlowFixture.AppUrl + "/registration?flow=", reply.Location);
        var flow = (await browser.GetJson($"/self-service/registration/flows?id={reply.Location!.Split("flow=")[1]}")).Json;
        Assert.NotEmpty(NodeMessageIds(flow, "traits.language"));
        Assert.NotEmpty(NodeMessageIds(flow, "traits.age"));
        Assert.Equal(0, await CountIdentities(fixture.Admin, email));
    }

    [Fact]
    public async Task Json_bodies_keep_their_types()
    {
        using var app = new FlowClient(fixture.Server.PublicUrl, cookies: false);
        var flow = await StartApiFlow(app, "registration");
        var email = NewEmail();
        var reply = await app.PostJson($"/self-service/registration?flow={Id(flow)}", new JsonObject
        {
            ["method"] = "password", ["password"] = Password,
            ["traits"] = new JsonObject
            {
                ["email"] = email, ["language"] = "en", ["age"] = 7, ["newsletter"] = true, ["interests"] = new JsonArray("a"),
            },
        });
        Assert.True(reply.Code == 200, reply.ToString());
        var traits = await TraitsOf(email);
        Assert.Equal(7, traits["age"]!.GetValue<long>());
        Assert.True(traits["newsletter"]!.GetValue<bool>());

        // JSON is not converted: a number sent as text is a type error on its field, as in Kratos.
        var second = await StartApiFlow(app, "registration");
        var wrong = await app.PostJson($"/self-service/registration?flow={Id(second)}", new JsonObject
        {
            ["method"] = "password", ["password"] = Password,
            ["traits"] = new JsonObject { ["email"] = NewEmail(), ["age"] = "7" },
        });
        Assert.Equal(400, wrong.Code);
        Assert.NotEmpty(NodeMessageIds(wrong.Json, "traits.age"));
    }

    [Fact]
    public async Task Settings_forms_are_decoded_the_same_way()
    {
        var email = NewEmail();
        var (browser, registered) = await RegisterByForm(email, F("traits.language", "en"), F("traits.age", "30"));
        using var _ = browser;
        Assert.Equal(HttpStatusCode.SeeOther, registered.Status);
        var init = await browser.GetBrowser("/self-service/settings/browser");
        Assert.True(init.Status == HttpStatusCode.SeeOther, init.ToString());
        var flowId = init.Location!.Split("flow=")[1];
        var flow = (await browser.GetJson($"/self-service/settings/flows?id={flowId}")).Json;
        var reply = await browser.PostForm($"/self-service/settings?flow={flowId}",
            [F("csrf_token", Csrf(flow)), F("method", "profile"), F("traits.email", email), F("traits.language", ""),
             F("traits.age", "31"), F("traits.newsletter", "true"), F("traits.interests", "b"), F("traits.interests", "c")]);
        Assert.True(reply.Status == HttpStatusCode.SeeOther, reply.ToString());
        var after = (await browser.GetJson($"/self-service/settings/flows?id={flowId}")).Json;
        Assert.True(after["state"]!.GetValue<string>() == "success", after.ToJsonString());
        var traits = await TraitsOf(email);
        Assert.False(traits.ContainsKey("language"));
        Assert.Equal(31, traits["age"]!.GetValue<long>());
        Assert.True(traits["newsletter"]!.GetValue<bool>());
        Assert.Equal(["b", "c"], traits["interests"]!.AsArray().Select(v => v!.GetValue<string>()));
    }
}
