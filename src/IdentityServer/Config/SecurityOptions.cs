namespace IdentityServer.Config;

public sealed class SecurityOptions
{
    public AccountEnumerationOptions AccountEnumeration { get; set; } = new();
}

public sealed class AccountEnumerationOptions
{
    /// <summary>Makes it harder to learn whether an identifier exists, at some cost to the user experience.</summary>
    public bool Mitigate { get; set; }
}
