using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace IdentityServer.Tests.Flows;

/// <summary>A client like a browser (cookie jar, no automatic redirects) or like a native app.</summary>
public sealed class FlowClient : IDisposable
{
    private readonly HttpClient _http;

    public FlowClient(Uri baseUrl, bool cookies = true)
    {
        Cookies = new CookieContainer();
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = cookies, CookieContainer = Cookies };
        _http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public CookieContainer Cookies { get; }
    public Uri BaseAddress => _http.BaseAddress!;

    public sealed record Reply(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response, string Text)
    {
        public int Code => (int)Status;
        public JsonNode Json => Body ?? throw new InvalidOperationException($"no JSON body ({Code}): {Text}");
        public string? Location => Response.Headers.Location?.ToString();
        public string? ErrorId => Body?["error"]?["id"]?.GetValue<string>();
        public override string ToString() => $"{Code} {Location} {Text}";
    }

    public Task<Reply> GetJson(string path, IDictionary<string, string>? headers = null) => Send(HttpMethod.Get, path, null, json: true, headers);
    public Task<Reply> GetBrowser(string path) => Send(HttpMethod.Get, path, null, json: false);

    public Task<Reply> PostForm(string path, IEnumerable<KeyValuePair<string, string>> fields, IDictionary<string, string>? headers = null) =>
        Send(HttpMethod.Post, path, new FormUrlEncodedContent(fields), json: false, headers);

    public Task<Reply> PostJson(string path, JsonNode body, IDictionary<string, string>? headers = null) =>
        Send(HttpMethod.Post, path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), json: true, headers);

    public Task<Reply> PostRaw(string path, string body, string contentType, bool json) =>
        Send(HttpMethod.Post, path, new StringContent(body, Encoding.UTF8, contentType), json);

    public async Task<Reply> Send(HttpMethod method, string path, HttpContent? content, bool json, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (json) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        else request.Headers.Accept.ParseAdd("text/html");
        if (content?.Headers.ContentLength > 64 * 1024) request.Headers.ExpectContinue = true;
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json")
            body = JsonNode.Parse(text);
        return new Reply(response.StatusCode, body, response, text);
    }

    public string? Cookie(string name) => Cookies.GetAllCookies().FirstOrDefault(c => c.Name == name)?.Value;

    public void Dispose() => _http.Dispose();
}
