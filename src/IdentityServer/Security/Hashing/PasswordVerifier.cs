using System.Security.Cryptography;
using IdentityServer.Security.Hashing.Formats;

namespace IdentityServer.Security.Hashing;

/// <summary>Verifies passwords against stored hashes of every supported format.</summary>
public sealed class PasswordVerifier
{
    private readonly Func<HasherOptions> _options;
    private readonly IPasswordHasher _hasher;
    private DummyHash? _dummy;

    public PasswordVerifier(HasherOptions options)
        : this(() => options)
    {
    }

    public PasswordVerifier(Func<HasherOptions> options)
        : this(options, new PasswordHasher(options))
    {
    }

    public PasswordVerifier(Func<HasherOptions> options, IPasswordHasher hasher)
    {
        _options = options;
        _hasher = hasher;
    }

    /// <summary>
    /// Checks the password. A stored value that is empty, of an unknown format or malformed never matches.
    /// </summary>
    public PasswordVerification Verify(string password, string storedHash)
    {
        ArgumentNullException.ThrowIfNull(password);
        try
        {
            var format = ImportedHashFormat.Find(storedHash ?? "");
            return format.Verify(password, storedHash!)
                ? new PasswordVerification(true, NeedsRehash(format, storedHash!, _options()))
                : PasswordVerification.Invalid;
        }
        catch (FormatException)
        {
            return PasswordVerification.Invalid;
        }
    }

    /// <summary>
    /// Spends the same work as checking a password against a hash of the configured algorithm and
    /// parameters, so that a login for an unknown identifier takes as long as a wrong password.
    /// </summary>
    public void VerifyAgainstDummy(string password) => Verify(password, CurrentDummyHash());

    /// <summary>True when a hash is not the configured algorithm, or was made with other parameters.</summary>
    public bool NeedsRehash(string storedHash)
    {
        try
        {
            return NeedsRehash(ImportedHashFormat.Find(storedHash), storedHash, _options());
        }
        catch (FormatException)
        {
            return true;
        }
    }

    private static bool NeedsRehash(IHashFormat format, string storedHash, HasherOptions options)
    {
        if (options.UsesBcrypt)
        {
            return format.Kind != HashFormat.Bcrypt || BcryptFormat.Cost(storedHash) != options.BcryptCost;
        }

        return format.Kind != HashFormat.Argon2id
            || HashFormats.Argon2id.Parse(storedHash).Parameters != PasswordHasher.ToParameters(options.Argon2);
    }

    private string CurrentDummyHash()
    {
        var options = _options();
        var signature = Signature(options);
        var dummy = _dummy;
        if (dummy is null || dummy.Signature != signature)
        {
            // A random password nobody knows; it only has to cost the same to check.
            dummy = new DummyHash(signature, _hasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));
            _dummy = dummy;
        }

        return dummy.Hash;
    }

    private static string Signature(HasherOptions o) => o.UsesBcrypt
        ? $"bcrypt:{o.BcryptCost}"
        : $"argon2:{o.Argon2.Memory}:{o.Argon2.Iterations}:{o.Argon2.Parallelism}:{o.Argon2.SaltLength}:{o.Argon2.KeyLength}";

    private sealed record DummyHash(string Signature, string Hash);
}
