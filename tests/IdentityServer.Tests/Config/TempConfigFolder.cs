namespace IdentityServer.Tests.Config;

/// <summary>A temporary folder for config files, removed when the test ends.</summary>
internal sealed class TempConfigFolder : IDisposable
{
    public const string MinimalConfig = """
        dsn: memory
        identity:
          schemas:
            - id: default
              url: file://identity.schema.json
        selfservice:
          default_browser_return_url: http://127.0.0.1:4455/
        """;

    public TempConfigFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "config-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
