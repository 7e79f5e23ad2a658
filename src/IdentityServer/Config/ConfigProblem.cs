using System.Text;

namespace IdentityServer.Config;

/// <summary>
/// One problem found while loading configuration, rendered as a single readable line.
/// A problem comes either from a file position or from an environment variable.
/// </summary>
public sealed record ConfigProblem
{
    public string? File { get; init; }
    public int Line { get; init; }
    public int Column { get; init; }
    public string? EnvironmentVariable { get; init; }
    public string KeyPath { get; init; } = "";
    public required string Message { get; init; }
    public string? Hint { get; init; }

    public override string ToString()
    {
        var text = new StringBuilder();
        if (EnvironmentVariable is not null)
        {
            text.Append("environment variable ").Append(EnvironmentVariable).Append(": ");
        }
        else if (File is not null)
        {
            text.Append(File);
            if (Line > 0)
            {
                text.Append(':').Append(Line);
                if (Column > 0) text.Append(':').Append(Column);
            }
            text.Append(": ");
        }
        if (KeyPath.Length > 0) text.Append(KeyPath).Append(": ");
        text.Append(Message);
        if (!string.IsNullOrEmpty(Hint)) text.Append("; ").Append(Hint);
        return text.ToString();
    }
}

/// <summary>Where a configuration value came from.</summary>
public enum ConfigValueSource
{
    NotSet,
    File,
    Environment,
}
