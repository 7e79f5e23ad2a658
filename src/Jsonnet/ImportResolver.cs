namespace Jsonnet;

/// <summary>The content of an imported file and the name it is known by (used for caching, errors and nested imports).</summary>
public sealed record ImportedFile(string FoundPath, byte[] Content);

/// <summary>Supplied by the host to give programs access to other files.</summary>
public interface IImportResolver
{
    /// <summary>
    /// Finds <paramref name="importPath"/> as imported from <paramref name="importingFile"/>.
    /// Throws (any exception) when the file is missing or not allowed.
    /// </summary>
    ImportedFile Resolve(string importingFile, string importPath);
}

/// <summary>
/// Resolves imports relative to the importing file, then in library folders,
/// and only allows files inside the given root folders.
/// </summary>
public sealed class FileSystemImportResolver : IImportResolver
{
    private readonly string[] _allowedRoots;
    private readonly string[] _libraryPaths;
    private readonly string _baseDirectory;

    /// <param name="allowedRoots">Folders whose files (and subfolders) may be read.</param>
    /// <param name="libraryPaths">Extra folders searched after the importing file's folder (like --jpath).</param>
    /// <param name="baseDirectory">Folder that relative file names are relative to (default: the current folder).</param>
    public FileSystemImportResolver(IEnumerable<string> allowedRoots, IEnumerable<string>? libraryPaths = null, string? baseDirectory = null)
    {
        _baseDirectory = Path.GetFullPath(baseDirectory ?? Directory.GetCurrentDirectory());
        _allowedRoots = allowedRoots.Select(r => WithSeparator(RealPath(Path.GetFullPath(r, _baseDirectory)))).ToArray();
        _libraryPaths = (libraryPaths ?? Array.Empty<string>()).ToArray();
    }

    private static string WithSeparator(string dir) => dir.EndsWith(Path.DirectorySeparatorChar) ? dir : dir + Path.DirectorySeparatorChar;

    public ImportedFile Resolve(string importingFile, string importPath)
    {
        if (importPath.Length == 0) throw new FileNotFoundException("the empty string is not a valid filename");
        var candidates = new List<string>();
        if (Path.IsPathRooted(importPath))
        {
            candidates.Add(importPath);
        }
        else
        {
            var dir = Path.GetDirectoryName(importingFile);
            candidates.Add(string.IsNullOrEmpty(dir) ? importPath : Path.Combine(dir, importPath));
            candidates.AddRange(_libraryPaths.Select(p => Path.Combine(p, importPath)));
        }
        foreach (var candidate in candidates)
        {
            var full = Path.GetFullPath(candidate, _baseDirectory);
            if (!IsAllowed(full)) throw new UnauthorizedAccessException($"import outside the allowed folders: {importPath}");
            if (!File.Exists(full)) continue;
            // Symbolic links must not lead out of the allowed folders either.
            var real = RealPath(full);
            if (!IsAllowed(real)) throw new UnauthorizedAccessException($"import outside the allowed folders: {importPath}");
            return new ImportedFile(candidate, File.ReadAllBytes(real));
        }
        throw new FileNotFoundException("no match locally or in the Jsonnet library paths");
    }

    /// <summary>The path with every symbolic link along it followed.</summary>
    private static string RealPath(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath) ?? "";
        var current = root;
        var parts = new Queue<string>(fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
        int links = 0;
        while (parts.Count > 0)
        {
            var next = Path.Combine(current, parts.Dequeue());
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.Exists && info.LinkTarget != null)
            {
                if (++links > 40) throw new IOException("too many levels of symbolic links");
                var target = Path.GetFullPath(info.LinkTarget, current);
                var targetRoot = Path.GetPathRoot(target) ?? "";
                var rest = parts.ToArray();
                parts = new Queue<string>(target[targetRoot.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Concat(rest));
                current = targetRoot;
                continue;
            }
            current = next;
        }
        return current;
    }

    private bool IsAllowed(string fullPath) =>
        _allowedRoots.Any(root => fullPath.StartsWith(root, StringComparison.Ordinal) || root == Path.DirectorySeparatorChar.ToString());
}
