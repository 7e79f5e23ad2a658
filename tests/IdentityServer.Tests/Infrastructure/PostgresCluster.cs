using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace IdentityServer.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL cluster that a test may stop and start (the shared one must not be
/// disturbed). Uses the binaries the test script found (TEST_PG_BIN) and, when running as root,
/// the unprivileged user it named (TEST_PG_USER).
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string? _user;
    private readonly string _dir;

    private PostgresCluster(string bin, string? user, string dir, int port)
    {
        _bin = bin;
        _user = user;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }
    public string Dsn => $"postgres://postgres@127.0.0.1:{Port}/postgres?sslmode=disable";

    public static async Task<PostgresCluster> CreateAsync()
    {
        var bin = Environment.GetEnvironmentVariable("TEST_PG_BIN")
            ?? throw new InvalidOperationException("TEST_PG_BIN is not set: run the tests with ./scripts/test.sh");
        var user = Environment.GetEnvironmentVariable("TEST_PG_USER");
        var dir = Directory.CreateTempSubdirectory("identityserver-pgcluster").FullName;
        if (user is not null)
            await RunAsync("chown", [user, dir]);
        var cluster = new PostgresCluster(bin, user, dir, FreePort());
        await cluster.AsUserAsync(Path.Combine(bin, "initdb"), ["-D", Path.Combine(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"]);
        await cluster.StartAsync();
        return cluster;
    }

    public Task StartAsync() => AsUserAsync(Path.Combine(_bin, "pg_ctl"),
        ["-D", Path.Combine(_dir, "data"), "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "60",
         "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {_dir} -c fsync=off", "start"]);

    public Task StopAsync() => AsUserAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "fast", "-w", "stop"]);

    private Task AsUserAsync(string file, string[] args) =>
        _user is null ? RunAsync(file, args) : RunAsync("runuser", ["-u", _user, "--", file, .. args]);

    private static async Task RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try { await AsUserAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "stop"]); }
        catch (InvalidOperationException) { /* already stopped */ }
        Directory.Delete(_dir, recursive: true);
    }
}
