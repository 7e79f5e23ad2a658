namespace IdentityServer.Security.Hashing;

/// <summary>The single entry point for login flows: verify, and upgrade the stored hash when it is outdated.</summary>
public sealed class PasswordCheck
{
    private readonly PasswordVerifier _verifier;
    private readonly IPasswordHasher _hasher;

    public PasswordCheck(HasherOptions options)
        : this(() => options)
    {
    }

    public PasswordCheck(Func<HasherOptions> options)
    {
        _hasher = new PasswordHasher(options);
        _verifier = new PasswordVerifier(options, _hasher);
    }

    public PasswordCheck(PasswordVerifier verifier, IPasswordHasher hasher)
    {
        _verifier = verifier;
        _hasher = hasher;
    }

    public PasswordVerifier Verifier => _verifier;

    /// <summary>
    /// True when the password matches. <paramref name="newHash"/> is then a fresh hash with the configured
    /// algorithm if the stored one is imported or outdated (the caller stores it), otherwise null.
    /// </summary>
    public bool VerifyAndMaybeRehash(string password, string storedHash, out string? newHash)
    {
        newHash = null;
        var result = _verifier.Verify(password, storedHash);
        if (result is { Valid: true, NeedsRehash: true })
        {
            try
            {
                newHash = _hasher.Hash(password);
            }
            catch (PasswordTooLongException)
            {
                // bcrypt cannot take this password; keep the hash it was verified against.
            }
        }

        return result.Valid;
    }

    /// <summary>For an unknown identifier: costs the same as a failed check, always false.</summary>
    public bool VerifyUnknownUser(string password)
    {
        _verifier.VerifyAgainstDummy(password);
        return false;
    }
}
