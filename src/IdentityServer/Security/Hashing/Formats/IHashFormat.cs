namespace IdentityServer.Security.Hashing.Formats;

/// <summary>One stored hash format: how to recognise it, check its structure and verify a password.</summary>
internal interface IHashFormat
{
    HashFormat Kind { get; }

    /// <summary>True when the value carries this format's prefix (the structure may still be broken).</summary>
    bool Matches(string hash);

    /// <summary>Throws <see cref="MalformedHashException"/> when the value cannot be verified against.</summary>
    void Validate(string hash);

    /// <summary>Throws <see cref="MalformedHashException"/> when the value cannot be verified against.</summary>
    bool Verify(string password, string hash);
}
