namespace IdentityServer.Persistence;

/// <summary>SQLite's JSON functions, callable in LINQ against the SQLite store.</summary>
public static class SqliteJson
{
    public static string? Extract(string json, string path) =>
        throw new NotSupportedException("json_extract runs only inside SQLite queries.");
}
