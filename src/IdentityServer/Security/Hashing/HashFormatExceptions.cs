namespace IdentityServer.Security.Hashing;

/// <summary>The value does not start with the prefix of any hash format we can verify.</summary>
public sealed class UnsupportedHashFormatException(string message) : FormatException(message);

/// <summary>The value names a known hash format but its parameters or encoding are broken.</summary>
public sealed class MalformedHashException(string format, string problem)
    : FormatException($"malformed {format} hash: {problem}")
{
    public string Format { get; } = format;
}

/// <summary>bcrypt only uses the first 72 bytes of a password; longer ones are refused instead of cut.</summary>
public sealed class PasswordTooLongException(int maxBytes)
    : ArgumentException($"passwords are limited to a maximum length of {maxBytes} bytes")
{
    public int MaxBytes { get; } = maxBytes;
}
