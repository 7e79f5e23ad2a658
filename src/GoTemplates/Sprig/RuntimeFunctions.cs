using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using static GoTemplates.ArgType;

namespace GoTemplates.Sprig;

/// <summary>
/// The sprig functions that HermeticTxtFuncMap leaves out besides the dates: random strings, uuidv4,
/// environment variables and host lookups. Kratos renders its built-in templates with the full map.
/// </summary>
internal static partial class RuntimeFunctions
{
    private const GoTemplates.ArgType Str = GoTemplates.ArgType.String;
    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";

    public static void Register(Dictionary<string, TemplateFunction> m)
    {
        m["randAlphaNum"] = TemplateFunction.Of(Int, n => Random(Letters + Digits, (int)n!));
        m["randAlpha"] = TemplateFunction.Of(Int, n => Random(Letters, (int)n!));
        m["randNumeric"] = TemplateFunction.Of(Int, n => Random(Digits, (int)n!));
        m["randAscii"] = TemplateFunction.Of(Int, n => Random(Ascii, (int)n!));
        m["randBytes"] = TemplateFunction.Of(Int, n => (int)n! < 0
            ? throw new TemplateFunctionException("count must be non-negative")
            : Convert.ToBase64String(RandomNumberGenerator.GetBytes((int)n!)));
        m["uuidv4"] = TemplateFunction.Of(() => Guid.NewGuid().ToString());
        m["env"] = TemplateFunction.Of(Str, name => Environment.GetEnvironmentVariable((string)name!) ?? "");
        m["expandenv"] = TemplateFunction.Of(Str, s => ExpandEnv((string)s!));
        m["getHostByName"] = TemplateFunction.Of(Str, name => HostByName((string)name!));
    }

    private static readonly string Ascii = new(Enumerable.Range(32, 95).Select(c => (char)c).ToArray());

    private static string Random(string alphabet, int count) =>
        count <= 0 ? "" : RandomNumberGenerator.GetString(alphabet, count);

    /// <summary>Go's os.ExpandEnv: $NAME and ${NAME}, unset names become empty.</summary>
    private static string ExpandEnv(string s) =>
        EnvReference().Replace(s, m => Environment.GetEnvironmentVariable(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) ?? "");

    [GeneratedRegex(@"\$\{([^}]*)\}|\$([A-Za-z0-9_]+)")]
    private static partial Regex EnvReference();

    private static string HostByName(string name)
    {
        try
        {
            var addresses = Dns.GetHostAddresses(name);
            return addresses.Length == 0 ? "" : addresses[System.Random.Shared.Next(addresses.Length)].ToString();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return "";
        }
    }
}
