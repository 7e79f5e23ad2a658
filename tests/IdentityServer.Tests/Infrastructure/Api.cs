using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace IdentityServer.Tests.Infrastructure;

/// <summary>Small JSON helpers over HttpClient for tests that talk to the server like a client.</summary>
public sealed class Api(Uri baseUrl) : IDisposable
{
    public HttpClient Http { get; } = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };

    public sealed record Reply(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)
    {
        public int Code => (int)Status;
        public JsonNode Json => Body ?? throw new InvalidOperationException("no JSON body");
        public string? ErrorId => Body?["error"]?["id"]?.GetValue<string>();
        public int? ErrorCode => Body?["error"]?["code"]?.GetValue<int>();
    }

    public Task<Reply> Get(string path) => Send(HttpMethod.Get, path, null);
    public Task<Reply> Delete(string path) => Send(HttpMethod.Delete, path, null);
    public Task<Reply> Post(string path, JsonNode? body) => Send(HttpMethod.Post, path, body?.ToJsonString());
    public Task<Reply> Put(string path, JsonNode? body) => Send(HttpMethod.Put, path, body?.ToJsonString());
    public Task<Reply> Patch(string path, JsonNode? body) => Send(HttpMethod.Patch, path, body?.ToJsonString());
    public Task<Reply> PostRaw(string path, string body) => Send(HttpMethod.Post, path, body);
    public Task<Reply> PatchRaw(string path, string body) => Send(HttpMethod.Patch, path, body);

    public async Task<Reply> Send(HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        // A server may refuse a large body before reading it; waiting for 100-continue lets the
        // client read that answer instead of failing on a reset connection.
        if (body is { Length: > 64 * 1024 })
            request.Headers.ExpectContinue = true;
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (text.Length > 0)
        {
            try { json = JsonNode.Parse(text); }
            catch (System.Text.Json.JsonException) { throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode} with non-JSON: {text}"); }
        }
        return new Reply(response.StatusCode, json, response);
    }

    public void Dispose() => Http.Dispose();
}
