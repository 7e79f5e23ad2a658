using System.Text.Json.Nodes;

namespace IdentityServer.Config;

/// <summary>The tree read from one configuration file, with the position of every key.</summary>
public sealed class ParsedConfigFile
{
    public required string File { get; init; }
    public JsonObject? Root { get; init; }
    public required SourceMap Locations { get; init; }
    public required IReadOnlyList<ConfigProblem> Problems { get; init; }

    public static ParsedConfigFile Read(string file)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(file);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            return Failed(file, new ConfigProblem { File = file, Message = "config file not found", Hint = "check the path given with -c/--config" });
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return Failed(file, new ConfigProblem { File = file, Message = "config file cannot be read: " + error.Message });
        }
        return Parse(text, file);
    }

    /// <summary>Parses text as JSON when the file name ends in .json, as YAML otherwise.</summary>
    public static ParsedConfigFile Parse(string text, string file)
    {
        return file.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? JsonTreeReader.Read(text, file)
            : YamlTreeReader.Read(text, file);
    }

    internal static ParsedConfigFile Failed(string file, ConfigProblem problem) =>
        new() { File = file, Root = null, Locations = new SourceMap(), Problems = [problem] };
}
