using System.Text.Json.Serialization;

namespace IdentityServer.Identities.Schemas;

public static class VerifiableAddressStatus
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Completed = "completed";
}

public static class AddressChannels
{
    public const string Email = "email";
    public const string Sms = "sms";
}

/// <summary>An address the identity can verify (the <c>verifiableIdentityAddress</c> shape).</summary>
public sealed record VerifiableAddress
{
    [JsonPropertyName("id")]
    public Guid Id { get; init; }

    [JsonPropertyName("value")]
    public required string Value { get; init; }

    [JsonPropertyName("verified")]
    public bool Verified { get; init; }

    /// <summary><c>email</c> or <c>sms</c>.</summary>
    [JsonPropertyName("via")]
    public required string Via { get; init; }

    /// <summary>One of <see cref="VerifiableAddressStatus"/>.</summary>
    [JsonPropertyName("status")]
    public string Status { get; init; } = VerifiableAddressStatus.Pending;

    [JsonPropertyName("verified_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? VerifiedAt { get; init; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("updated_at")]
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>An address account recovery can be sent to (the <c>recoveryIdentityAddress</c> shape).</summary>
public sealed record RecoveryAddress
{
    [JsonPropertyName("id")]
    public Guid Id { get; init; }

    [JsonPropertyName("value")]
    public required string Value { get; init; }

    /// <summary><c>email</c> or <c>sms</c>.</summary>
    [JsonPropertyName("via")]
    public required string Via { get; init; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("updated_at")]
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>An address one-time codes can be sent to for sign-in by code.</summary>
/// <param name="Channel"><c>email</c> or <c>sms</c>.</param>
public sealed record CodeAddress(string Channel, string Address);

/// <summary>
/// Combines the addresses derived from updated traits with the stored ones: an address whose value
/// (compared in normalised form) and channel did not change keeps its stored state and identity.
/// </summary>
public static class AddressMerger
{
    public static IReadOnlyList<VerifiableAddress> Merge(IEnumerable<VerifiableAddress> existing, IEnumerable<VerifiableAddress> derived)
    {
        var stored = existing.ToList();
        return derived.Select(d => stored.FirstOrDefault(e => SameAddress(e.Via, e.Value, d.Via, d.Value)) ?? d).ToList();
    }

    public static IReadOnlyList<RecoveryAddress> Merge(IEnumerable<RecoveryAddress> existing, IEnumerable<RecoveryAddress> derived)
    {
        var stored = existing.ToList();
        return derived.Select(d => stored.FirstOrDefault(e => SameAddress(e.Via, e.Value, d.Via, d.Value)) ?? d).ToList();
    }

    internal static bool SameAddress(string viaA, string valueA, string viaB, string valueB) =>
        viaA == viaB && IdentifierNormalizer.Graceful(valueA) == IdentifierNormalizer.Graceful(valueB);
}
