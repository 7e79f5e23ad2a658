namespace Jsonnet.Tests;

/// <summary>Finds the shared reference data next to the repository.</summary>
internal static class ReferenceData
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IdentityServer.sln"))) return dir.FullName;
        }
        return null;
    }

    /// <summary>The folder ../shared/reference/jsonnet/NAME relative to the repository, or null when missing.</summary>
    public static string? JsonnetFolder(string name)
    {
        var root = RepositoryRoot();
        if (root == null) return null;
        var dir = Path.GetFullPath(Path.Combine(root, "..", "shared", "reference", "jsonnet", name));
        return Directory.Exists(dir) ? dir : null;
    }

    /// <summary>Fails under CI, skips elsewhere, when the data folder is missing.</summary>
    public static string Require(string name)
    {
        var dir = JsonnetFolder(name);
        if (dir != null) return dir;
        var message = $"reference data ../shared/reference/jsonnet/{name} not found next to the repository";
        if (InCi) Assert.Fail(message);
        Skip.If(true, message);
        return "";
    }

    /// <summary>Path of the reference C++ jsonnet program; fails under CI, skips elsewhere, when it is missing.</summary>
    public static string RequireReferenceCli()
    {
        const string path = "/usr/bin/jsonnet";
        if (File.Exists(path)) return path;
        var message = "the reference jsonnet program is not installed (apt-get install jsonnet)";
        if (InCi) Assert.Fail(message);
        Skip.If(true, message);
        return "";
    }

    /// <summary>Runs a delegate on a thread with a large stack, as the command-line tool does.</summary>
    public static T OnLargeStack<T>(Func<T> action)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = action();
            }
            catch (Exception e)
            {
                error = e;
            }
        }, 64 * 1024 * 1024);
        thread.Start();
        thread.Join();
        if (error != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return result;
    }
}
