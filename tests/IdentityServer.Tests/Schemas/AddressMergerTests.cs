using IdentityServer.Identities.Schemas;

namespace IdentityServer.Tests.Schemas;

public class AddressMergerTests
{
    private static readonly DateTimeOffset Created = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Unchanged_verifiable_address_keeps_its_state()
    {
        var stored = new VerifiableAddress
        {
            Id = Guid.NewGuid(), Value = "foo@example.com", Via = "email", Verified = true,
            Status = VerifiableAddressStatus.Completed, VerifiedAt = Created.AddDays(1), CreatedAt = Created, UpdatedAt = Created,
        };
        var derived = new[]
        {
            new VerifiableAddress { Value = "FOO@example.com", Via = "email" },
            new VerifiableAddress { Value = "new@example.com", Via = "email" },
        };

        var merged = AddressMerger.Merge([stored], derived);

        Assert.Equal(2, merged.Count);
        Assert.Same(stored, merged[0]);
        Assert.True(merged[0].Verified);
        Assert.Equal(VerifiableAddressStatus.Completed, merged[0].Status);
        Assert.Equal(Created.AddDays(1), merged[0].VerifiedAt);
        Assert.Equal("new@example.com", merged[1].Value);
        Assert.False(merged[1].Verified);
        Assert.Equal(VerifiableAddressStatus.Pending, merged[1].Status);
        Assert.Equal(Guid.Empty, merged[1].Id);
    }

    [Fact]
    public void Removed_addresses_are_dropped_and_channel_matters()
    {
        var stored = new[]
        {
            new VerifiableAddress { Id = Guid.NewGuid(), Value = "old@example.com", Via = "email", Verified = true, Status = "completed" },
            new VerifiableAddress { Id = Guid.NewGuid(), Value = "+4917612345678", Via = "sms", Verified = true, Status = "completed" },
        };
        var derived = new[] { new VerifiableAddress { Value = "+4917612345678", Via = "email" } };

        var merged = Assert.Single(AddressMerger.Merge(stored, derived));
        Assert.False(merged.Verified);
        Assert.Equal("email", merged.Via);
    }

    [Fact]
    public void Recovery_addresses_keep_id_and_created_at()
    {
        var stored = new RecoveryAddress { Id = Guid.NewGuid(), Value = "+4917612345678", Via = "sms", CreatedAt = Created };
        var merged = AddressMerger.Merge([stored], [new RecoveryAddress { Value = "+49 176 12345678", Via = "sms" }]);
        Assert.Equal(stored.Id, Assert.Single(merged).Id);
        Assert.Equal(Created, merged[0].CreatedAt);
    }

    [Fact]
    public void Addresses_serialize_with_api_field_names()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new VerifiableAddress
        {
            Id = Guid.Empty, Value = "a@example.com", Via = "email", CreatedAt = Created, UpdatedAt = Created,
        });
        Assert.Equal(
            """{"id":"00000000-0000-0000-0000-000000000000","value":"a@example.com","verified":false,"via":"email","status":"pending","created_at":"2024-01-01T00:00:00+00:00","updated_at":"2024-01-01T00:00:00+00:00"}""",
            json);
    }
}
