using IdentityServer.Security.Hashing.Formats;

namespace IdentityServer.Security.Hashing;

/// <summary>Checks password hashes given to the admin API for import.</summary>
public static class ImportedHashFormat
{
    public const string UnsupportedMessage =
        "unsupported hash format: the value must start with a known prefix such as " +
        "$2a$, $2b$, $2y$ (bcrypt), $argon2id$, $argon2i$, $pbkdf2-sha1$, $pbkdf2-sha256$, $pbkdf2-sha512$, " +
        "$scrypt$, $firescrypt$, {SSHA}, {SSHA256}, {SSHA512}, $sha1$, $sha256$, $sha512$, $md5$, $md5-crypt$, " +
        "$sha256-crypt$, $sha512-crypt$ or $hmac-sha256$ (also $hmac-md4$, -md5, -sha1, -sha224, -sha384, -sha512)";

    /// <summary>
    /// The format of a hash, after checking that it is complete enough to verify passwords against.
    /// Throws <see cref="UnsupportedHashFormatException"/> for an unknown prefix and
    /// <see cref="MalformedHashException"/> for a known prefix with broken parameters or encoding.
    /// </summary>
    public static HashFormat Detect(string hash)
    {
        var format = Find(hash);
        format.Validate(hash);
        return format.Kind;
    }

    public static bool IsSupported(string hash) => Problem(hash) is null;

    /// <summary>Null when the hash can be imported, otherwise a message that says what is wrong with it.</summary>
    public static string? Problem(string hash)
    {
        try
        {
            Detect(hash);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    internal static IHashFormat Find(string hash) =>
        (string.IsNullOrEmpty(hash) ? null : HashFormats.Find(hash)) ?? throw new UnsupportedHashFormatException(UnsupportedMessage);
}
