using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Flows;

/// <summary>A loopback stand-in for the Have I Been Pwned range API that knows one breached password.</summary>
public sealed class BreachStub : IAsyncDisposable
{
    public const string BreachedPassword = "breached-but-long-enough";

    private readonly WebApplication _app;
    public int Requests;

    private BreachStub(WebApplication app) => _app = app;

    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<BreachStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new BreachStub(app);
        var hash = Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(BreachedPassword)));
        app.MapGet("/range/{prefix}", (string prefix) =>
        {
            Interlocked.Increment(ref stub.Requests);
            // Only the five-character prefix is ever sent; answer with the suffixes under it.
            var rows = prefix.Length == 5 && hash.StartsWith(prefix, StringComparison.Ordinal)
                ? $"0000000000000000000000000000000000A:3\r\n{hash[5..]}:1,234\r\n"
                : "0000000000000000000000000000000000A:3\r\n";
            return Results.Text(rows);
        });
        await app.StartAsync();
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
