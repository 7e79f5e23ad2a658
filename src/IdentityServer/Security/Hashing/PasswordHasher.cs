using System.Security.Cryptography;
using IdentityServer.Security.Hashing.Formats;

namespace IdentityServer.Security.Hashing;

/// <summary>
/// Produces new hashes exactly as Kratos stores them: bcrypt <c>$2a$&lt;cost&gt;$...</c> or
/// argon2id <c>$argon2id$v=19$m=..,t=..,p=..$salt$hash</c> (base64 without padding).
/// </summary>
public sealed class PasswordHasher : IPasswordHasher
{
    private readonly Func<HasherOptions> _options;

    public PasswordHasher(HasherOptions options)
        : this(() => options)
    {
    }

    /// <summary>Reads the options on every call, so that a configuration reload takes effect.</summary>
    public PasswordHasher(Func<HasherOptions> options) => _options = options;

    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var options = _options();
        options.Validate();
        return options.UsesBcrypt ? BcryptFormat.Hash(password, options.BcryptCost) : HashArgon2id(password, options.Argon2);
    }

    private static string HashArgon2id(string password, Argon2Options options)
    {
        var parameters = ToParameters(options);
        var salt = RandomNumberGenerator.GetBytes(parameters.SaltLength);
        var key = Argon2Format.Derive(HashFormat.Argon2id, HashText.Utf8(password), salt, parameters);
        return Argon2Format.Encode(parameters, salt, key);
    }

    internal static Argon2Parameters ToParameters(Argon2Options options) =>
        new(options.Memory, options.Iterations, options.Parallelism, options.SaltLength, options.KeyLength);
}
