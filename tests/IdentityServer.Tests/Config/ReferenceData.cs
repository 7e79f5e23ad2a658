namespace IdentityServer.Tests.Config;

/// <summary>
/// Finds the shared reference data next to the repository: walk up from the test binaries to the folder
/// holding IdentityServer.sln, then ../shared/reference.
/// </summary>
internal static class ReferenceData
{
    public static string? RepositoryRoot { get; } = FindRepositoryRoot();

    public static string? ReferenceRoot =>
        RepositoryRoot is null ? null : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "reference"));

    public static string? QuickstartRoot => ReferenceRoot is null ? null : Path.Combine(ReferenceRoot, "kratos", "quickstart");

    public static bool QuickstartAvailable => QuickstartRoot is not null && Directory.Exists(QuickstartRoot);

    public static bool RunningInCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public const string MissingMessage = "reference data not found at ../shared/reference/kratos/quickstart next to the repository; set CI=true to make this a failure";

    private static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IdentityServer.sln"))) return dir.FullName;
        }
        return null;
    }
}

/// <summary>A theory that is skipped when the quickstart reference data is missing, unless running in CI.</summary>
public sealed class QuickstartTheoryAttribute : TheoryAttribute
{
    public QuickstartTheoryAttribute()
    {
        if (!ReferenceData.QuickstartAvailable && !ReferenceData.RunningInCi) Skip = ReferenceData.MissingMessage;
    }
}

/// <summary>A fact that is skipped when the quickstart reference data is missing, unless running in CI.</summary>
public sealed class QuickstartFactAttribute : FactAttribute
{
    public QuickstartFactAttribute()
    {
        if (!ReferenceData.QuickstartAvailable && !ReferenceData.RunningInCi) Skip = ReferenceData.MissingMessage;
    }
}
