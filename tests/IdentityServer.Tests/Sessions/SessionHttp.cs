using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace IdentityServer.Tests.Sessions;

/// <summary>Raw requests as a browser or native app sends them (no cookie jar, no redirects followed).</summary>
public sealed class SessionHttp(Uri baseUrl) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = baseUrl,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public sealed record Reply(HttpResponseMessage Response, string Text)
    {
        public int Code => (int)Response.StatusCode;
        public JsonNode Json => JsonNode.Parse(Text) ?? throw new InvalidOperationException("empty body");
        public string? ErrorId => Text.Length > 0 ? JsonNode.Parse(Text)?["error"]?["id"]?.GetValue<string>() : null;
        public string? Header(string name) =>
            Response.Headers.TryGetValues(name, out var v) ? string.Join(",", v)
            : Response.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c) : null;
    }

    public async Task<Reply> Send(HttpMethod method, string path, Action<HttpRequestMessage>? setup = null, string? jsonBody = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (jsonBody is not null)
            request.Content = new StringContent(jsonBody, System.Text.Encoding.UTF8, "application/json");
        setup?.Invoke(request);
        var response = await _http.SendAsync(request);
        return new Reply(response, await response.Content.ReadAsStringAsync());
    }

    public Task<Reply> Get(string path, Action<HttpRequestMessage>? setup = null) => Send(HttpMethod.Get, path, setup);

    public static Action<HttpRequestMessage> Token(string token) => r => r.Headers.Add("X-Session-Token", token);
    public static Action<HttpRequestMessage> Bearer(string token) => r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    public static Action<HttpRequestMessage> Cookie(string pair, bool json = false) => r =>
    {
        r.Headers.Add("Cookie", pair);
        if (json) r.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    };

    public void Dispose() => _http.Dispose();
}
