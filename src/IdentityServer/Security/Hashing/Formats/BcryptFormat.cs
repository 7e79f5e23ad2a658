using System.Text.RegularExpressions;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>bcrypt in the modular crypt format: <c>$2a$12$&lt;22 salt chars&gt;&lt;31 hash chars&gt;</c>.</summary>
internal sealed partial class BcryptFormat : IHashFormat
{
    public const int MaxPasswordBytes = 72;
    private const string Name = "bcrypt";

    public HashFormat Kind => HashFormat.Bcrypt;

    // Kratos accepts $2$, $2a$, $2b$, $2y$ and $2z$; all of them are computed the same way.
    public bool Matches(string hash) => PrefixPattern().IsMatch(hash);

    public void Validate(string hash) => Cost(hash);

    /// <summary>The cost (log2 of the rounds) written in the hash.</summary>
    public static int Cost(string hash)
    {
        var match = StructurePattern().Match(hash);
        if (!match.Success)
        {
            throw new MalformedHashException(Name, "expected $2a$<cost>$ followed by 53 characters of bcrypt base64");
        }

        return HashText.InRange(int.Parse(match.Groups["cost"].Value), 4, 31, Name, "the cost");
    }

    public bool Verify(string password, string hash)
    {
        Cost(hash);
        if (HashText.Utf8(password).Length > MaxPasswordBytes)
        {
            return false;
        }

        try
        {
            return BCrypt.Net.BCrypt.Verify(password, WithSupportedRevision(hash));
        }
        catch (BCrypt.Net.SaltParseException e)
        {
            throw new MalformedHashException(Name, e.Message);
        }
    }

    public static string Hash(string password, int cost)
    {
        if (HashText.Utf8(password).Length > MaxPasswordBytes)
        {
            throw new PasswordTooLongException(MaxPasswordBytes);
        }

        return BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(cost, 'a'));
    }

    // The library knows $2a$, $2b$ and $2y$; the rare $2$ and $2z$ mean the same computation as $2b$.
    private static string WithSupportedRevision(string hash) =>
        hash[2] is 'a' or 'b' or 'y' ? hash : "$2b$" + hash[(hash.IndexOf('$', 2) + 1)..];

    [GeneratedRegex(@"^\$2[abyz]?\$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex(@"^\$2[abyz]?\$(?<cost>[0-9]{2})\$[./A-Za-z0-9]{53}$")]
    private static partial Regex StructurePattern();
}
