using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Tests.Infrastructure;

/// <summary>
/// An HTTP server on loopback that records every request it gets and answers with the status the
/// test chose (200 unless <see cref="Answer"/> says otherwise), for webhook and courier HTTP tests.
/// </summary>
public sealed class RecordingEndpoint : IAsyncDisposable
{
    public sealed record Request(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Request> _requests = new();

    private RecordingEndpoint(WebApplication app) => _app = app;

    /// <summary>Chooses the status and body of the answer to a request.</summary>
    public Func<Request, (int Status, string Body)> Answer { get; set; } = _ => (200, "{}");

    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public IReadOnlyList<Request> Requests => _requests.ToList();

    public static async Task<RecordingEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var endpoint = new RecordingEndpoint(app);
        app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var request = new Request(http.Request.Method, http.Request.Path + http.Request.QueryString, headers, body);
            endpoint._requests.Enqueue(request);
            var (status, answer) = endpoint.Answer(request);
            http.Response.StatusCode = status;
            await http.Response.WriteAsync(answer);
        });
        await app.StartAsync();
        return endpoint;
    }

    public async Task<Request> WaitForRequestAsync(Func<Request, bool> match, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < until)
        {
            if (Requests.FirstOrDefault(match) is { } hit)
                return hit;
            await Task.Delay(20);
        }
        throw new TimeoutException($"no matching request arrived; got {Requests.Count}: {string.Join(" | ", Requests.Select(r => r.Method + " " + r.Path + " " + r.Body))}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
