namespace IdentityServer.Tests.Infrastructure;

public static class TestPaths
{
    /// <summary>The repository root: the folder that holds IdentityServer.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Reference data from other projects, kept next to the repository.</summary>
    public static string SharedReference => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "reference"));

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The reference folder, or a failure that says it is missing (tests never skip it quietly).</summary>
    public static string RequireSharedReference(string relative)
    {
        var path = Path.Combine(SharedReference, relative);
        if (!Directory.Exists(path) && !File.Exists(path))
            throw new InvalidOperationException($"The reference data {path} is missing; it must sit next to the repository as ../shared/reference.");
        return path;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IdentityServer.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("IdentityServer.sln not found above the test binaries.");
    }
}
