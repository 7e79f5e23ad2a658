using System.Text.RegularExpressions;

namespace IdentityServer.Config;

/// <summary>Checks for the string formats the configuration schema uses.</summary>
internal static partial class ValueFormats
{
    public static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0
        && !text.Any(char.IsWhiteSpace);

    /// <summary>A URI with a scheme (file://, https://, base64://, exp://...). Relative references are refused.</summary>
    public static bool IsAbsoluteUri(string text) => AbsoluteUri().IsMatch(text);

    public static bool IsByteSize(string text) => ByteSize().IsMatch(text);

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")]
    private static partial Regex AbsoluteUri();

    [GeneratedRegex(@"^[0-9]+(B|KB|MB|GB|TB|PB|EB)$")]
    private static partial Regex ByteSize();
}
