namespace IdentityServer.Security.Hashing;

/// <summary>
/// Settings for new password hashes, mirroring Kratos's <c>hashers.*</c> configuration.
/// </summary>
public sealed class HasherOptions
{
    public const string BcryptAlgorithm = "bcrypt";
    public const string Argon2Algorithm = "argon2";

    /// <summary><c>hashers.algorithm</c>: "bcrypt" (default) or "argon2" (argon2id).</summary>
    public string Algorithm { get; set; } = BcryptAlgorithm;

    /// <summary><c>hashers.bcrypt.cost</c>.</summary>
    public int BcryptCost { get; set; } = 12;

    /// <summary><c>hashers.argon2.*</c>.</summary>
    public Argon2Options Argon2 { get; set; } = new();

    public bool UsesBcrypt => string.Equals(Algorithm, BcryptAlgorithm, StringComparison.OrdinalIgnoreCase);

    public bool UsesArgon2 => string.Equals(Algorithm, Argon2Algorithm, StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (!UsesBcrypt && !UsesArgon2)
        {
            throw new ArgumentException($"hashers.algorithm must be \"bcrypt\" or \"argon2\", not \"{Algorithm}\"");
        }

        if (BcryptCost is < 4 or > 31)
        {
            throw new ArgumentException($"hashers.bcrypt.cost must be between 4 and 31, not {BcryptCost}");
        }

        Argon2.Validate();
    }
}

public sealed class Argon2Options
{
    /// <summary>Kratos's default of 128MB, in KiB.</summary>
    public const int DefaultMemoryKib = 128 * 1024;

    /// <summary><c>hashers.argon2.memory</c>, in KiB.</summary>
    public int Memory { get; set; } = DefaultMemoryKib;

    /// <summary><c>hashers.argon2.iterations</c>.</summary>
    public int Iterations { get; set; } = 1;

    /// <summary><c>hashers.argon2.parallelism</c>; Kratos defaults to twice the number of cores.</summary>
    public int Parallelism { get; set; } = Environment.ProcessorCount * 2;

    /// <summary><c>hashers.argon2.salt_length</c>, in bytes.</summary>
    public int SaltLength { get; set; } = 16;

    /// <summary><c>hashers.argon2.key_length</c>, in bytes.</summary>
    public int KeyLength { get; set; } = 32;

    public void Validate()
    {
        if (Parallelism is < 1 or > 255)
        {
            throw new ArgumentException($"hashers.argon2.parallelism must be between 1 and 255, not {Parallelism}");
        }

        if (Memory < 8 * Parallelism)
        {
            throw new ArgumentException(
                $"hashers.argon2.memory must be at least 8 KiB per degree of parallelism ({8 * Parallelism} KiB), not {Memory} KiB");
        }

        if (Iterations < 1)
        {
            throw new ArgumentException($"hashers.argon2.iterations must be at least 1, not {Iterations}");
        }

        if (SaltLength < 8)
        {
            throw new ArgumentException($"hashers.argon2.salt_length must be at least 8, not {SaltLength}");
        }

        if (KeyLength < 16)
        {
            throw new ArgumentException($"hashers.argon2.key_length must be at least 16, not {KeyLength}");
        }
    }
}
