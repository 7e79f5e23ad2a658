using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Courier;
using IdentityServer.Tests.Infrastructure;

namespace IdentityServer.Tests.Courier;

/// <summary>Email over HTTP (`delivery_strategy: http`) and SMS through `courier.channels`, with Jsonnet bodies.</summary>
public sealed class HttpDeliveryTests
{
    private const string MailerBody = """
        function(ctx) {
          to: ctx.recipient,
          subject: ctx.subject,
          text: ctx.body,
          html: if "html_body" in ctx then ctx.html_body else null,
          kind: ctx.template_type,
          message_type: ctx.message_type,
          code: ctx.template_data.verification_code,
          identity_email: ctx.template_data.identity.traits.email,
          expires: ctx.template_data.expires_in_minutes,
        }
        """;

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string HttpEmail(RecordingEndpoint endpoint, string body, string auth = "") => $"""
          delivery_strategy: http
          http:
            request_config:
              url: {endpoint.Url}/mail
              method: POST
              headers:
                X-Tenant: blue
              body: {body}
        {auth}{CourierHarness.FastWorker}
        """;

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Email_is_posted_with_a_jsonnet_body_from_a_file_and_an_api_key_header(string kind)
    {
        await using var endpoint = await RecordingEndpoint.StartAsync();
        var file = Path.Combine(Path.GetTempPath(), $"mailer-{Guid.NewGuid():N}.jsonnet");
        await File.WriteAllTextAsync(file, MailerBody);
        var auth = """
                  auth:
                    type: api_key
                    config:
                      name: X-Api-Key
                      value: secret-key
                      in: header
            """;
        await using var server = await CourierHarness.StartAsync(kind, HttpEmail(endpoint, "file://" + file, auth));
        var to = CourierHarness.Recipient();
        await server.QueueAsync(CourierHarness.VerificationCode(to, "777111"));

        var request = await endpoint.WaitForRequestAsync(r => r.Body.Contains(to));
        Assert.Equal("POST", request.Method);
        Assert.Equal("/mail", request.Path);
        Assert.Equal("secret-key", request.Headers["X-Api-Key"]);
        Assert.Equal("blue", request.Headers["X-Tenant"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(to, body["to"]!.GetValue<string>());
        Assert.Equal("Your verification code: 777111", body["subject"]!.GetValue<string>());
        Assert.Contains("777111", body["text"]!.GetValue<string>());
        Assert.Contains("777111", body["html"]!.GetValue<string>());
        Assert.Equal("verification_code_valid", body["kind"]!.GetValue<string>());
        Assert.Equal("email", body["message_type"]!.GetValue<string>());
        Assert.Equal("777111", body["code"]!.GetValue<string>());
        Assert.Equal(to, body["identity_email"]!.GetValue<string>());
        Assert.Equal(60, body["expires"]!.GetValue<int>());

        var message = await server.WaitForMessageAsync(to, m => CourierHarness.Status(m) == "sent");
        Assert.Equal("success", CourierHarness.Dispatches(message)[0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Basic_auth_and_an_api_key_cookie_are_sent()
    {
        await using var endpoint = await RecordingEndpoint.StartAsync();
        var basic = """
                  auth:
                    type: basic_auth
                    config:
                      user: courier
                      password: hunter2
            """;
        await using (var server = await CourierHarness.StartAsync("sqlite", HttpEmail(endpoint, "base64://" + Base64(MailerBody), basic)))
        {
            var to = CourierHarness.Recipient();
            await server.QueueAsync(CourierHarness.VerificationCode(to));
            var request = await endpoint.WaitForRequestAsync(r => r.Body.Contains(to));
            Assert.Equal("Basic " + Base64("courier:hunter2"), request.Headers["Authorization"]);
        }
        var cookie = """
                  auth:
                    type: api_key
                    config:
                      name: session_key
                      value: abc123
                      in: cookie
            """;
        await using (var server = await CourierHarness.StartAsync("sqlite", HttpEmail(endpoint, "base64://" + Base64(MailerBody), cookie)))
        {
            var to = CourierHarness.Recipient();
            await server.QueueAsync(CourierHarness.VerificationCode(to));
            var request = await endpoint.WaitForRequestAsync(r => r.Body.Contains(to));
            Assert.Equal("session_key=abc123", request.Headers["Cookie"]);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task An_answer_500_is_retried_until_it_succeeds(string kind)
    {
        await using var endpoint = await RecordingEndpoint.StartAsync();
        var calls = 0;
        endpoint.Answer = _ => Interlocked.Increment(ref calls) <= 2 ? (500, "upstream broken") : (202, "accepted");
        await using var server = await CourierHarness.StartAsync(kind, HttpEmail(endpoint, "base64://" + Base64(MailerBody)));
        var to = CourierHarness.Recipient();
        await server.QueueAsync(CourierHarness.VerificationCode(to));

        var message = await server.WaitForMessageAsync(to, m => CourierHarness.Status(m) == "sent");
        Assert.Equal(3, message["send_count"]!.GetValue<int>());
        var dispatches = CourierHarness.Dispatches(message);
        Assert.Equal(["success", "failed", "failed"], dispatches.Select(d => d!["status"]!.GetValue<string>()).ToArray());
        var error = dispatches[2]!["error"]!;
        Assert.Equal(500, error["details"]!["response_status"]!.GetValue<int>());
        Assert.Equal("upstream broken", error["details"]!["response_body"]!.GetValue<string>());
        Assert.Equal(3, endpoint.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task An_answer_400_abandons_the_message_with_the_response_stored(string kind)
    {
        await using var endpoint = await RecordingEndpoint.StartAsync();
        endpoint.Answer = _ => (400, "{\"error\":\"unknown template\"}");
        await using var server = await CourierHarness.StartAsync(kind, HttpEmail(endpoint, "base64://" + Base64(MailerBody)));
        var to = CourierHarness.Recipient();
        await server.QueueAsync(CourierHarness.VerificationCode(to));

        var message = await server.WaitForMessageAsync(to, m => CourierHarness.Status(m) == "abandoned");
        Assert.Equal(1, message["send_count"]!.GetValue<int>());
        var error = Assert.Single(CourierHarness.Dispatches(message))!["error"]!;
        Assert.Equal("the HTTP endpoint refused the message", error["reason"]!.GetValue<string>());
        Assert.Equal(400, error["details"]!["response_status"]!.GetValue<int>());
        Assert.Equal("{\"error\":\"unknown template\"}", error["details"]!["response_body"]!.GetValue<string>());
        await Task.Delay(300);
        Assert.Single(endpoint.Requests);
    }

    [Fact]
    public async Task A_jsonnet_error_abandons_the_message_and_says_where()
    {
        await using var endpoint = await RecordingEndpoint.StartAsync();
        var broken = "function(ctx) { to: ctx.recipient, code: ctx.template_data.no_such_field }";
        await using var server = await CourierHarness.StartAsync("sqlite", HttpEmail(endpoint, "base64://" + Base64(broken)));
        var to = CourierHarness.Recipient();
        await server.QueueAsync(CourierHarness.VerificationCode(to));

        var message = await server.WaitForMessageAsync(to, m => CourierHarness.Status(m) == "abandoned");
        var error = Assert.Single(CourierHarness.Dispatches(message))!["error"]!;
        Assert.Equal("the request body could not be rendered", error["reason"]!.GetValue<string>());
        Assert.Contains("no_such_field", error["message"]!.GetValue<string>());
        Assert.Empty(endpoint.Requests);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Sms_goes_through_the_sms_channel_as_a_form_post(string kind)
    {
        await using var endpoint = await RecordingEndpoint.StartAsync();
        var twilio = """
            function(ctx) {
              To: ctx.recipient,
              Body: ctx.body,
              Kind: ctx.message_type,
            }
            """;
        var yaml = $"""
              channels:
                - id: sms
                  type: http
                  request_config:
                    url: {endpoint.Url}/sms
                    method: POST
                    headers:
                      Content-Type: application/x-www-form-urlencoded
                    body: base64://{Base64(twilio)}
                    auth:
                      type: basic_auth
                      config:
                        user: account
                        password: token
            {CourierHarness.FastWorker}
            """;
        await using var server = await CourierHarness.StartAsync(kind, yaml);
        var phone = "+4915112345" + Random.Shared.Next(100, 999);
        await server.QueueAsync(new OutgoingMessage("login_code_valid", OutgoingMessage.Sms, phone, new JsonObject { ["LoginCode"] = "918273" }));

        var request = await endpoint.WaitForRequestAsync(r => r.Path == "/sms");
        Assert.StartsWith("application/x-www-form-urlencoded", request.Headers["Content-Type"]);
        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.Body);
        Assert.Equal(phone, form["To"].ToString());
        Assert.Equal("sms", form["Kind"].ToString());
        Assert.Contains("918273", form["Body"].ToString());
        Assert.Contains("valid for 60 minutes", form["Body"].ToString());

        var message = await server.WaitForMessageAsync(phone, m => CourierHarness.Status(m) == "sent");
        Assert.Equal("sms", message["type"]!.GetValue<string>());
        Assert.Equal("sms", message["channel"]!.GetValue<string>());
        Assert.Equal("", message["subject"]!.GetValue<string>());
        Assert.Contains("918273", message["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_sms_without_a_configured_channel_says_so()
    {
        await using var server = await CourierHarness.StartAsync("sqlite", "  message_retries: 0\n" + CourierHarness.FastWorker);
        var phone = "+4915100000" + Random.Shared.Next(100, 999);
        await server.QueueAsync(new OutgoingMessage("verification_code_valid", OutgoingMessage.Sms, phone, new JsonObject { ["VerificationCode"] = "1234" }));
        var message = await server.WaitForMessageAsync(phone, m => CourierHarness.Status(m) == "abandoned");
        var error = Assert.Single(CourierHarness.Dispatches(message))!["error"]!;
        Assert.Contains("courier.channels", error["message"]!.GetValue<string>());
    }
}
