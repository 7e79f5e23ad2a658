namespace IdentityServer.Security.Hashing.Formats;

/// <summary>Every stored hash format we can verify.</summary>
internal static class HashFormats
{
    public static readonly BcryptFormat Bcrypt = new();
    public static readonly Argon2Format Argon2id = new(HashFormat.Argon2id);

    // Prefixes end with '$' or '}', so no two formats match the same value and the order does not matter.
    public static readonly IReadOnlyList<IHashFormat> All =
    [
        Bcrypt,
        Argon2id,
        new Argon2Format(HashFormat.Argon2i),
        new Pbkdf2Format(),
        new ScryptFormat(),
        new FirebaseScryptFormat(),
        new SshaFormat(),
        new SaltedShaFormat(),
        new Md5Format(),
        new Md5CryptFormat(),
        new ShaCryptFormat(HashFormat.Sha256Crypt),
        new ShaCryptFormat(HashFormat.Sha512Crypt),
        new HmacFormat(),
    ];

    public static IHashFormat? Find(string hash) => All.FirstOrDefault(format => format.Matches(hash));
}
