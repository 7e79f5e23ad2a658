namespace IdentityServer.Tests.Schemas;

/// <summary>
/// Locates the repository's shipped schemas and the shared reference data next to the repository.
/// </summary>
internal static class SchemaTestFiles
{
    private static readonly Lazy<string?> Root = new(FindRepositoryRoot);

    public static string RepositoryRoot =>
        Root.Value ?? throw new InvalidOperationException("IdentityServer.sln not found above " + AppContext.BaseDirectory);

    public static string ShippedSchemasDirectory => Path.Combine(RepositoryRoot, "identity-schemas");

    public static string? ReferenceDirectory
    {
        get
        {
            if (Root.Value is null)
            {
                return null;
            }
            var dir = Path.GetFullPath(Path.Combine(Root.Value, "..", "shared", "reference"));
            return Directory.Exists(dir) ? dir : null;
        }
    }

    public static bool ReferenceDataAvailable => ReferenceDirectory is not null
        && File.Exists(Path.Combine(ReferenceDirectory, "kratos", "api.json"));

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A file under the reference data; fails the test when the data is missing.</summary>
    public static string Reference(params string[] parts)
    {
        var dir = ReferenceDirectory
            ?? throw new InvalidOperationException("Reference data ../shared/reference is missing next to the repository.");
        var path = Path.Combine([dir, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new InvalidOperationException("Reference data file is missing: " + path);
        }
        return path;
    }

    public static IEnumerable<string> QuickstartSchemaFiles()
    {
        var dir = Reference("kratos", "quickstart");
        return Directory.GetDirectories(dir).Select(d => Path.Combine(d, "identity.schema.json")).Where(File.Exists).Order();
    }

    private static string? FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IdentityServer.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName;
    }
}

/// <summary>
/// A fact that needs ../shared/reference. Outside CI it is skipped with a message when the data is
/// missing; in CI (CI=true) it runs and fails.
/// </summary>
public sealed class ReferenceFactAttribute : FactAttribute
{
    public ReferenceFactAttribute()
    {
        if (!SchemaTestFiles.ReferenceDataAvailable && !SchemaTestFiles.IsCi)
        {
            Skip = "Reference data ../shared/reference/kratos is not available next to the repository.";
        }
    }
}

/// <summary>The theory counterpart of <see cref="ReferenceFactAttribute"/>.</summary>
public sealed class ReferenceTheoryAttribute : TheoryAttribute
{
    public ReferenceTheoryAttribute()
    {
        if (!SchemaTestFiles.ReferenceDataAvailable && !SchemaTestFiles.IsCi)
        {
            Skip = "Reference data ../shared/reference/kratos is not available next to the repository.";
        }
    }
}
