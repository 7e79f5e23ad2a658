using IdentityServer.Config;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace IdentityServer.Logging;

public static class LoggingSetup
{
    public static readonly LoggingLevelSwitch Level = new(LogEventLevel.Information);

    public static LogEventLevel ParseLevel(string? level) => level?.ToLowerInvariant() switch
    {
        "trace" => LogEventLevel.Verbose,
        "debug" => LogEventLevel.Debug,
        "warn" or "warning" => LogEventLevel.Warning,
        "error" => LogEventLevel.Error,
        "fatal" or "panic" => LogEventLevel.Fatal,
        _ => LogEventLevel.Information,
    };

    public static Serilog.ILogger Create(LogOptions log)
    {
        Level.MinimumLevel = ParseLevel(log.Level);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.ControlledBy(Level)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        configuration = string.Equals(log.Format, "json", StringComparison.OrdinalIgnoreCase)
            ? configuration.WriteTo.Console(new RenderedCompactJsonFormatter())
            : configuration.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u4} {Message:lj}{NewLine}{Exception}");
        return configuration.CreateLogger();
    }
}
