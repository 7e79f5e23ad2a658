using System.Security.Cryptography;
using System.Text;

namespace IdentityServer.Sessions;

/// <summary>Session and logout tokens in Kratos's format (ory_st_ / ory_lo_ prefix and 32 letters or digits).</summary>
public static class SessionTokens
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static string NewSessionToken() => "ory_st_" + RandomNumberGenerator.GetString(Alphabet, 32);

    /// <summary>The value stored in the database: a lookup key that does not reveal the token.</summary>
    public static string Hash(string token)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>
    /// The logout token is derived from the session token, so it needs no storage and is only known
    /// to whoever holds the session token (the browser behind the session cookie).
    /// </summary>
    public static string LogoutTokenFor(string sessionToken)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(sessionToken), "logout"u8);
        var text = new StringBuilder("ory_lo_", 39);
        foreach (var b in mac.AsSpan(0, 32))
            text.Append(Alphabet[b % Alphabet.Length]);
        return text.ToString();
    }

    public static bool SameToken(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
