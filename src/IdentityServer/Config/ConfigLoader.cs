using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IdentityServer.Config;

/// <summary>The outcome of loading configuration: the typed options when valid, and every problem found.</summary>
public sealed class ConfigLoadResult
{
    public KratosConfig? Config { get; init; }
    public required JsonObject Merged { get; init; }
    public required IReadOnlyList<ConfigProblem> Problems { get; init; }
    public required SourceMap Locations { get; init; }

    /// <summary>Whether dsn came from a config file or from the DSN environment variable.</summary>
    public ConfigValueSource DsnSource { get; init; }

    public bool IsValid => Config is not null && Problems.Count == 0;

    /// <summary>Writes one line per problem and a closing summary, e.g. to standard error before exiting.</summary>
    public void WriteProblems(TextWriter writer)
    {
        foreach (var problem in Problems) writer.WriteLine(problem.ToString());
        writer.WriteLine(Problems.Count == 1 ? "the configuration has 1 problem" : $"the configuration has {Problems.Count} problems");
    }

    /// <summary>Where a key was set: "config/kratos.yml:3:1", "environment variable DSN", or null.</summary>
    public string? DescribeSource(string keyPath)
    {
        if (!Locations.TryGet(keyPath, out var location)) return null;
        return location.EnvironmentVariable is { } variable
            ? "environment variable " + variable
            : $"{location.File}:{location.Line}:{location.Column}";
    }
}

/// <summary>
/// Loads configuration the way Kratos does: the files given with -c merged in order, then environment
/// variables on top, then a check against the schema, then the typed options.
/// </summary>
public static class ConfigLoader
{
    private static readonly JsonSerializerOptions TypedOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new GoDurationJsonConverter() },
    };

    public static ConfigLoadResult Load(IReadOnlyList<string> files, IReadOnlyDictionary<string, string> environment) =>
        Load(files, environment, ConfigSchema.Default);

    public static ConfigLoadResult Load(IReadOnlyList<string> files, IReadOnlyDictionary<string, string> environment, ConfigSchema schema)
    {
        try
        {
            return LoadChecked(files, environment, schema);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // A bug here must still end in one readable line rather than a stack trace.
            var problem = new ConfigProblem { Message = $"loading the configuration failed unexpectedly: {error.GetType().Name}: {error.Message}" };
            return new ConfigLoadResult { Merged = new JsonObject(), Problems = [problem], Locations = new SourceMap() };
        }
    }

    private static ConfigLoadResult LoadChecked(IReadOnlyList<string> files, IReadOnlyDictionary<string, string> environment, ConfigSchema schema)
    {
        var merged = new JsonObject();
        var locations = new SourceMap();
        var problems = new List<ConfigProblem>();

        foreach (var file in files)
        {
            var parsed = ParsedConfigFile.Read(file);
            problems.AddRange(parsed.Problems);
            if (!locations.TryGet("", out _) && parsed.Locations.TryGet("", out var top)) locations.Set("", top);
            if (parsed.Root is not null) ConfigMerger.MergeInto(merged, locations, parsed.Root, parsed.Locations);
        }

        var dsnSource = merged.ContainsKey("dsn") ? ConfigValueSource.File : ConfigValueSource.NotSet;
        foreach (var item in EnvironmentOverrides.For(schema).Find(environment))
        {
            EnvironmentOverrides.Apply(merged, locations, item);
            if (item.KeyPath == "dsn") dsnSource = ConfigValueSource.Environment;
        }

        // A file that could not be read would make the schema check report keys as missing; stop here.
        if (problems.Count > 0)
        {
            return new ConfigLoadResult { Merged = merged, Problems = problems, Locations = locations, DsnSource = dsnSource };
        }

        foreach (var issue in SchemaValidator.Validate(schema, merged))
        {
            problems.Add(ToProblem(issue, locations));
        }
        problems = Order(problems, files);

        KratosConfig? config = null;
        if (problems.Count == 0)
        {
            try
            {
                config = merged.Deserialize<KratosConfig>(TypedOptions)!;
                config.Tree = merged;
            }
            catch (Exception error) when (error is JsonException or FormatException or InvalidOperationException)
            {
                problems.Add(new ConfigProblem { Message = "the configuration passed the schema check but could not be read: " + error.Message });
            }
        }

        return new ConfigLoadResult { Config = config, Merged = merged, Problems = problems, Locations = locations, DsnSource = dsnSource };
    }

    /// <summary>A copy of the current process environment.</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value) copy[name] = value;
        }
        return copy;
    }

    private static ConfigProblem ToProblem(SchemaIssue issue, SourceMap locations)
    {
        var location = locations.Find(issue.KeyPath);
        var hint = issue.Hint;
        if (location?.EnvironmentVariable is not null
            && (issue.Message.StartsWith("expected a list", StringComparison.Ordinal) || issue.Message.StartsWith("expected a mapping", StringComparison.Ordinal)))
        {
            hint = "give lists and objects in environment variables as JSON, e.g. [\"a\",\"b\"] or {\"key\":\"value\"}";
        }
        return new ConfigProblem
        {
            File = location?.File,
            Line = location?.Line ?? 0,
            Column = location?.Column ?? 0,
            EnvironmentVariable = location?.EnvironmentVariable,
            KeyPath = issue.KeyPath,
            Message = issue.Message,
            Hint = hint,
        };
    }

    private static List<ConfigProblem> Order(List<ConfigProblem> problems, IReadOnlyList<string> files) =>
        problems
            .OrderBy(problem => problem.File is null ? int.MaxValue : IndexOf(files, problem.File))
            .ThenBy(problem => problem.Line)
            .ThenBy(problem => problem.Column)
            .ToList();

    private static int IndexOf(IReadOnlyList<string> files, string file)
    {
        for (var i = 0; i < files.Count; i++)
        {
            if (files[i] == file) return i;
        }
        return files.Count;
    }
}
