using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Courier;
using IdentityServer.Courier.Templates;
using IdentityServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Courier;

/// <summary>Built-in templates, overrides (folder, file://, base64://, http://) and template failures.</summary>
public sealed class CourierTemplateTests
{
    private static (CourierTemplates Templates, ConfigStore Config) Templates(string courierYaml = "")
    {
        var yaml = TestServer.MinimalConfig(TestDatabases.CreateSqlite(), courierYaml.Length > 0 ? "courier:\n" + courierYaml : "");
        ConfigStore.TryCreate([TestServer.WriteConfig(yaml)], new Dictionary<string, string>(), out var store);
        Assert.NotNull(store);
        var clients = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        return (new CourierTemplates(store, new TemplateSource(clients, TimeProvider.System)), store);
    }

    private static JsonObject Model(TemplateKind kind, KratosConfig config) => TemplateModel.Complete(kind, "ada@example.com", new JsonObject
    {
        ["RecoveryURL"] = "https://app.example.com/recover?token=R-LINK",
        ["RecoveryCode"] = "R-CODE",
        ["VerificationURL"] = "https://app.example.com/verify?token=V-LINK",
        ["VerificationCode"] = "V-CODE",
        ["LoginCode"] = "L-CODE",
        ["RegistrationCode"] = "G-CODE",
        ["Identity"] = new JsonObject { ["traits"] = new JsonObject { ["email"] = "ada@example.com" } },
    }, config);

    /// <summary>What each valid template must show: its code or link.</summary>
    private static string? Secret(TemplateKind kind) => kind.Type switch
    {
        "recovery_valid" => "R-LINK",
        "recovery_code_valid" => "R-CODE",
        "verification_valid" => "V-LINK",
        "verification_code_valid" => "V-CODE",
        "login_code_valid" => "L-CODE",
        "registration_code_valid" => "G-CODE",
        _ => null,
    };

    public static TheoryData<string> Kinds() => new(TemplateKind.All.Select(k => k.Type));

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Every_built_in_template_renders_its_code_or_link_and_lifetime(string type)
    {
        var (templates, config) = Templates();
        var kind = TemplateKind.Find(type)!;
        var model = Model(kind, config.Current);
        var subject = await templates.RenderAsync(type, TemplatePart.EmailSubject, model, default);
        var html = await templates.RenderAsync(type, TemplatePart.EmailHtml, model, default);
        var text = await templates.RenderAsync(type, TemplatePart.EmailPlaintext, model, default);
        Assert.NotEmpty(subject);
        Assert.DoesNotContain("\n", subject);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<no value>", subject + html + text);
        if (Secret(kind) is { } secret)
        {
            Assert.Contains(secret, html);
            Assert.Contains(secret, text);
            Assert.Contains("minutes", text);
        }
        if (kind.HasSms)
        {
            var sms = await templates.RenderAsync(type, TemplatePart.SmsBody, model, default);
            Assert.DoesNotContain("<no value>", sms);
            if (Secret(kind) is { } code)
                Assert.Contains(code, sms);
        }
        else
        {
            var e = await Assert.ThrowsAsync<CourierTemplateException>(() => templates.RenderAsync(type, TemplatePart.SmsBody, model, default));
            Assert.Contains("no SMS template", e.Message);
        }
    }

    [Fact]
    public async Task Code_lifetimes_come_from_the_method_config_unless_the_flow_sets_them()
    {
        var (templates, config) = Templates();
        var tree = TestServer.MinimalConfig(TestDatabases.CreateSqlite(), """
            courier: {}
            """).Replace("selfservice:\n", "selfservice:\n  methods:\n    code:\n      config:\n        lifespan: 15m\n");
        ConfigStore.TryCreate([TestServer.WriteConfig(tree)], new Dictionary<string, string>(), out var store);
        var kind = TemplateKind.Find("login_code_valid")!;
        Assert.Equal(15, TemplateModel.Complete(kind, "a@b.c", [], store!.Current)["ExpiresInMinutes"]!.GetValue<int>());
        var chosen = TemplateModel.Complete(kind, "a@b.c", new JsonObject { ["ExpiresInMinutes"] = 3 }, store.Current);
        Assert.Contains("valid for 3 minutes", await templates.RenderAsync("login_code_valid", TemplatePart.EmailPlaintext, chosen, default));
        Assert.False(TemplateModel.Complete(TemplateKind.Find("recovery_invalid")!, "a@b.c", [], config.Current).ContainsKey("ExpiresInMinutes"));
    }

    [Fact]
    public async Task Html_bodies_escape_what_they_show()
    {
        var (templates, config) = Templates();
        var model = Model(TemplateKind.Find("verification_code_valid")!, config.Current);
        model["VerificationCode"] = "<b>1</b>";
        var html = await templates.RenderAsync("verification_code_valid", TemplatePart.EmailHtml, model, default);
        Assert.Contains("&lt;b&gt;1&lt;/b&gt;", html);
        Assert.DoesNotContain("<b>1</b>", html);
    }

    [Fact]
    public async Task The_override_folder_wins_and_its_companion_files_are_parsed_with_it()
    {
        var root = Directory.CreateTempSubdirectory("courier-templates").FullName;
        var folder = Directory.CreateDirectory(Path.Combine(root, "verification_code", "valid")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "email.subject.gotmpl"), "{{ template \"greeting\" . }} {{ .VerificationCode }}");
        await File.WriteAllTextAsync(Path.Combine(folder, "email.subject.de_DE.gotmpl"), "{{ define \"greeting\" }}Ihr Code:{{ end }}");
        var (templates, config) = Templates($"  template_override_path: {root}\n");
        var model = Model(TemplateKind.Find("verification_code_valid")!, config.Current);

        Assert.Equal("Ihr Code: V-CODE", await templates.RenderAsync("verification_code_valid", TemplatePart.EmailSubject, model, default));
        // Pieces without a file in the folder fall back to the built-in ones.
        Assert.Contains("V-CODE", await templates.RenderAsync("verification_code_valid", TemplatePart.EmailPlaintext, model, default));
    }

    [Fact]
    public async Task Per_type_overrides_are_read_from_file_base64_and_http()
    {
        await using var endpoint = await RecordingEndpoint.StartAsync();
        endpoint.Answer = _ => (200, "<p>Remote {{ .LoginCode }}</p>");
        var file = Path.Combine(Path.GetTempPath(), $"plain-{Guid.NewGuid():N}.gotmpl");
        await File.WriteAllTextAsync(file, "File {{ .LoginCode }} {{ .Identity.traits.email }}");
        var subject = Convert.ToBase64String(Encoding.UTF8.GetBytes("Base64 {{ .LoginCode | upper }} {{ now | date \"2006\" | len }}"));
        var sms = Convert.ToBase64String(Encoding.UTF8.GetBytes("SMS {{ .LoginCode }} {{ randAlphaNum 6 | len }} {{ uuidv4 | len }}"));
        var (templates, config) = Templates($"""
              templates:
                login_code:
                  valid:
                    email:
                      subject: base64://{subject}
                      body:
                        html: {endpoint.Url}/login.html
                        plaintext: file://{file}
                    sms:
                      body:
                        plaintext: base64://{sms}
            """);
        var model = Model(TemplateKind.Find("login_code_valid")!, config.Current);
        Assert.Equal("Base64 L-CODE 4", await templates.RenderAsync("login_code_valid", TemplatePart.EmailSubject, model, default));
        Assert.Equal("<p>Remote L-CODE</p>", await templates.RenderAsync("login_code_valid", TemplatePart.EmailHtml, model, default));
        Assert.Equal("File L-CODE ada@example.com", await templates.RenderAsync("login_code_valid", TemplatePart.EmailPlaintext, model, default));
        Assert.Equal("SMS L-CODE 6 36", await templates.RenderAsync("login_code_valid", TemplatePart.SmsBody, model, default));
        Assert.Equal("/login.html", Assert.Single(endpoint.Requests).Path);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task A_template_error_abandons_the_message_with_the_error_in_the_admin_api(string kind)
    {
        await using var sink = SmtpSink.Start(SmtpSink.Security.None);
        var badSubject = Convert.ToBase64String(Encoding.UTF8.GetBytes("Code {{ .VerificationCode"));
        var badHtml = Convert.ToBase64String(Encoding.UTF8.GetBytes("<p>{{ index .Identity.traits 5 }}</p>"));
        var yaml = $"""
              smtp:
                connection_uri: "{sink.ConnectionUri()}"
              templates:
                verification_code:
                  valid:
                    email:
                      subject: base64://{badSubject}
                recovery_code:
                  valid:
                    email:
                      body:
                        html: base64://{badHtml}
            {CourierHarness.FastWorker}
            """;
        await using var server = await CourierHarness.StartAsync(kind, yaml);

        // Broken at queue time: written as abandoned, never attempted.
        var first = CourierHarness.Recipient();
        await server.QueueAsync(CourierHarness.VerificationCode(first));
        var queued = await server.MessageTo(first);
        Assert.Equal("abandoned", CourierHarness.Status(queued));
        Assert.Equal(0, queued["send_count"]!.GetValue<int>());
        var error = Assert.Single(CourierHarness.Dispatches(queued))!["error"]!;
        Assert.Equal("the message could not be rendered", error["reason"]!.GetValue<string>());
        Assert.Contains("unclosed action", error["message"]!.GetValue<string>());

        // Broken when sending (the HTML body is rendered then): abandoned after that attempt.
        var second = CourierHarness.Recipient();
        await server.QueueAsync(new OutgoingMessage("recovery_code_valid", OutgoingMessage.Email, second, new JsonObject { ["RecoveryCode"] = "1" }));
        var sent = await server.WaitForMessageAsync(second, m => CourierHarness.Status(m) == "abandoned");
        Assert.Equal(1, sent["send_count"]!.GetValue<int>());
        Assert.Contains("index", Assert.Single(CourierHarness.Dispatches(sent))!["error"]!["message"]!.GetValue<string>());

        // Unknown types and bad addresses are kept too, with the reason.
        var third = CourierHarness.Recipient();
        await server.QueueAsync(new OutgoingMessage("welcome_email", OutgoingMessage.Email, third, []));
        Assert.Contains("verification_code_valid", CourierHarness.Dispatches(await server.MessageTo(third))[0]!["error"]!["message"]!.GetValue<string>());
        await server.QueueAsync(new OutgoingMessage("verification_code_valid", OutgoingMessage.Email, "not-an-address", []));
        var bad = await server.MessageTo("not-an-address");
        Assert.Equal("abandoned", CourierHarness.Status(bad));
        Assert.Equal("the recipient is not valid", CourierHarness.Dispatches(bad)[0]!["error"]!["reason"]!.GetValue<string>());

        await Task.Delay(300);
        Assert.Empty(sink.Messages);
    }
}
