using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Courier.Templates;
using Jsonnet;

namespace IdentityServer.Courier;

/// <summary>
/// Delivers a message with an HTTP request (`courier.http.request_config` for email,
/// `courier.channels[].request_config` for SMS). The body is the Jsonnet program at `body`, called with
/// Kratos's ctx: recipient, subject, body, html_body, template_type, template_data, message_type,
/// request_headers. Answers 2xx are success; 5xx, 408 and 429 are retried; other answers abandon the
/// message with the answer stored.
/// </summary>
public sealed class HttpSender(IHttpClientFactory clients, TemplateSource source)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private const int StoredResponseLength = 1024;
    private static readonly JsonnetEngine Engine = new(new JsonnetOptions { MaxStack = 500, Timeout = TimeSpan.FromSeconds(5), TraceWriter = TextWriter.Null });
    private static readonly ConcurrentDictionary<string, JsonnetProgram> Programs = new();

    public static JsonObject Context(CourierMessage message, JsonObject model, string? html)
    {
        var ctx = new JsonObject
        {
            ["recipient"] = message.Recipient,
            ["subject"] = message.Subject,
            ["body"] = message.Body,
            ["template_type"] = message.TemplateType,
            ["template_data"] = TemplateModel.ToJsonNames(model),
            ["message_type"] = message.Type,
            ["request_headers"] = new JsonObject(),
        };
        if (!string.IsNullOrEmpty(html))
            ctx["html_body"] = html;
        return ctx;
    }

    public async Task<DispatchFailure?> SendAsync(Config.HttpRequestOptions config, CourierMessage message, JsonObject model, string? html, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(config.Url))
            return DispatchFailure.Transient("the courier is not configured", $"the request_config for the {message.Channel} channel has no url");
        var ctx = Context(message, model, html);
        using var request = new HttpRequestMessage(new HttpMethod(string.IsNullOrEmpty(config.Method) ? "POST" : config.Method.ToUpperInvariant()), config.Url);
        var contentType = config.Headers.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value ?? "application/json";
        foreach (var (name, value) in config.Headers)
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                request.Headers.TryAddWithoutValidation(name, value);
        }
        if (Auth(request, config.Auth) is { } authProblem)
            return DispatchFailure.Transient("the courier is not configured", authProblem);
        if (request.Method != HttpMethod.Trace)
        {
            string body;
            try { body = await BodyAsync(config.Body, ctx, contentType, ct); }
            catch (CourierTemplateException e) { return DispatchFailure.Permanent("the request body could not be rendered", e.Message); }
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await clients.CreateClient(TemplateSource.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
                return null;
            var text = await ReadStartAsync(response, timeout.Token);
            var details = new JsonObject { ["url"] = config.Url, ["response_status"] = status, ["response_body"] = text };
            var reason = $"{config.Url} answered with status {status}";
            var retry = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            return retry
                ? DispatchFailure.Transient("the HTTP endpoint failed", reason, details)
                : DispatchFailure.Permanent("the HTTP endpoint refused the message", reason, details);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            var text = e is OperationCanceledException ? $"{config.Url} did not answer within {Timeout.TotalSeconds:0} seconds" : $"cannot reach {config.Url}: {e.Message}";
            return DispatchFailure.Transient("the HTTP endpoint failed", text, new JsonObject { ["url"] = config.Url });
        }
    }

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[StoredResponseLength];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0) break;
            read += n;
        }
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>Kratos's request auth: api_key (in a header or a cookie) or basic_auth.</summary>
    private static string? Auth(HttpRequestMessage request, JsonObject? auth)
    {
        var type = auth?["type"]?.GetValue<string>();
        var config = auth?["config"] as JsonObject;
        string? Value(string key) => config?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        switch (type)
        {
            case null or "":
                return null;
            case "api_key":
                var name = Value("name");
                var value = Value("value");
                if (name is null || value is null)
                    return "api_key auth needs config.name and config.value";
                if (Value("in") == "cookie")
                    request.Headers.TryAddWithoutValidation("Cookie", $"{name}={value}");
                else
                    request.Headers.TryAddWithoutValidation(name, value);
                return null;
            case "basic_auth":
                var user = Value("user");
                var password = Value("password");
                if (user is null || password is null)
                    return "basic_auth needs config.user and config.password";
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
                return null;
            default:
                return $"unsupported auth type \"{type}\"; use api_key or basic_auth";
        }
    }

    /// <summary>
    /// Runs the Jsonnet body with ctx as its argument. Without a configured body the ctx itself is sent,
    /// where Kratos would fail every message.
    /// </summary>
    private async Task<string> BodyAsync(string? location, JsonObject ctx, string contentType, CancellationToken ct)
    {
        JsonNode? result;
        if (string.IsNullOrEmpty(location))
        {
            result = ctx;
        }
        else
        {
            var text = await source.ReadAsync(location, ct);
            var program = Parse(text, TemplateSource.Shorten(location));
            try
            {
                result = program.EvaluateToNode(new EvaluationArgs { TlaCodes = new Dictionary<string, string> { ["ctx"] = ctx.ToJsonString() } }, ct);
            }
            catch (JsonnetException e)
            {
                throw new CourierTemplateException($"{TemplateSource.Shorten(location)}: {e.Message}", e);
            }
        }
        if (!contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return result?.ToJsonString() ?? "null";
        if (result is not JsonObject fields)
            throw new CourierTemplateException($"{location}: a form body must be an object of strings");
        return string.Join("&", fields.Select(f =>
            Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : f.Value?.ToJsonString() ?? "")));
    }

    private static JsonnetProgram Parse(string text, string name)
    {
        var key = name + "\0" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        if (Programs.TryGetValue(key, out var hit))
            return hit;
        try
        {
            var program = Engine.Parse(text, name);
            if (Programs.Count > 256) Programs.Clear();
            Programs[key] = program;
            return program;
        }
        catch (JsonnetException e)
        {
            throw new CourierTemplateException($"{name}: {e.Message}", e);
        }
    }
}
