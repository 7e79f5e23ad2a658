using System.Text.Json.Nodes;
using IdentityServer.Identities.Schemas;

namespace IdentityServer.Tests.Schemas;

public class KratosExtensionTests
{
    private static TraitsDerivation Derive(string traitsSchema, string traits) =>
        KratosExtension.Derive(SchemaFactory.WithTraits(traitsSchema), JsonNode.Parse(traits));

    private const string EmailPassword = """
        {"type":"object","properties":{"email":{"type":"string","format":"email","ory.sh/kratos":{
          "credentials":{"password":{"identifier":true},"webauthn":{"identifier":true},"code":{"identifier":true,"via":"email"}},
          "verification":{"via":"email"},"recovery":{"via":"email"}}}}}
        """;

    [Fact]
    public void Emails_are_trimmed_and_lower_cased_everywhere()
    {
        // A trailing space would fail the e-mail format itself, leading white space is tolerated.
        var result = Derive(EmailPassword, """{"email":"  Foo.Bar@Example.COM"}""");

        Assert.Empty(result.Errors);
        Assert.Equal(["foo.bar@example.com"], result.IdentifiersFor("password"));
        Assert.Equal(["foo.bar@example.com"], result.IdentifiersFor("webauthn"));
        Assert.Equal(["foo.bar@example.com"], result.IdentifiersFor("code"));
        Assert.Equal([new CodeAddress("email", "foo.bar@example.com")], result.CodeAddresses);

        var verifiable = Assert.Single(result.VerifiableAddresses);
        Assert.Equal("foo.bar@example.com", verifiable.Value);
        Assert.Equal("email", verifiable.Via);
        Assert.Equal(VerifiableAddressStatus.Pending, verifiable.Status);
        Assert.False(verifiable.Verified);
        Assert.Null(verifiable.VerifiedAt);

        var recovery = Assert.Single(result.RecoveryAddresses);
        Assert.Equal("foo.bar@example.com", recovery.Value);
        Assert.Equal("email", recovery.Via);
    }

    [Fact]
    public void Password_identifiers_without_format_are_trimmed_and_lower_cased()
    {
        var result = Derive("""
            {"type":"object","properties":{"login":{"type":"string","ory.sh/kratos":{"credentials":{"password":{"identifier":true}}}}}}
            """, """{"login":"  Some.One@Example.COM  "}""");
        Assert.Equal(["some.one@example.com"], result.IdentifiersFor("password"));
    }

    [Fact]
    public void Phone_numbers_are_normalized_to_e164()
    {
        var result = Derive("""
            {"type":"object","properties":{"phone":{"type":"string","format":"tel","ory.sh/kratos":{
              "credentials":{"password":{"identifier":true},"code":{"identifier":true,"via":"sms"}},
              "verification":{"via":"sms"},"recovery":{"via":"sms"}}}}}
            """, """{"phone":"+49 176 1234 5678"}""");

        Assert.Empty(result.Errors);
        Assert.Equal(["+4917612345678"], result.IdentifiersFor("password"));
        Assert.Equal(["+4917612345678"], result.IdentifiersFor("code"));
        Assert.Equal([new CodeAddress("sms", "+4917612345678")], result.CodeAddresses);
        Assert.Equal("+4917612345678", Assert.Single(result.VerifiableAddresses).Value);
        Assert.Equal("sms", Assert.Single(result.VerifiableAddresses).Via);
        Assert.Equal("+4917612345678", Assert.Single(result.RecoveryAddresses).Value);
    }

    [Fact]
    public void Several_traits_give_several_identifiers_without_duplicates()
    {
        var result = Derive("""
            {"type":"object","properties":{
              "email":{"type":"string","format":"email","ory.sh/kratos":{"credentials":{"password":{"identifier":true},"code":{"identifier":true,"via":"email"}},"verification":{"via":"email"}}},
              "username":{"type":"string","ory.sh/kratos":{"credentials":{"password":{"identifier":true}}}},
              "backup":{"type":"string","format":"email","ory.sh/kratos":{"credentials":{"password":{"identifier":true},"code":{"identifier":true,"via":"email"}},"verification":{"via":"email"}}}}}
            """, """{"email":"A@example.com","username":"Alice","backup":"a@EXAMPLE.com"}""");

        Assert.Equal(["a@example.com", "alice"], result.IdentifiersFor("password"));
        Assert.Equal(["a@example.com"], result.IdentifiersFor("code"));
        Assert.Single(result.VerifiableAddresses);
        Assert.Empty(result.IdentifiersFor("webauthn"));
    }

    [Fact]
    public void Nested_objects_and_arrays_are_walked()
    {
        var result = Derive("""
            {"type":"object","properties":{
              "contact":{"type":"object","properties":{"email":{"type":"string","format":"email","ory.sh/kratos":{"recovery":{"via":"email"}}}}},
              "emails":{"type":"array","items":{"type":"string","format":"email","ory.sh/kratos":{"verification":{"via":"email"},"credentials":{"password":{"identifier":true}}}}}}}
            """, """{"contact":{"email":"Nested@Example.com"},"emails":["one@example.com","TWO@example.com"]}""");

        Assert.Equal("nested@example.com", Assert.Single(result.RecoveryAddresses).Value);
        Assert.Equal(["one@example.com", "two@example.com"], result.VerifiableAddresses.Select(a => a.Value));
        Assert.Equal(["one@example.com", "two@example.com"], result.IdentifiersFor("password"));
    }

    [Fact]
    public void References_to_definitions_are_followed()
    {
        var schema = SchemaFactory.FromDocument("""
            {"definitions":{"mail":{"type":"string","format":"email","ory.sh/kratos":{"credentials":{"password":{"identifier":true}}}}},
             "type":"object","properties":{"traits":{"type":"object","properties":{"email":{"$ref":"#/definitions/mail"}}}}}
            """);
        var result = KratosExtension.Derive(schema, JsonNode.Parse("""{"email":"X@Example.com"}"""));
        Assert.Equal(["x@example.com"], result.IdentifiersFor("password"));
    }

    [Fact]
    public void Passkey_display_name_and_totp_account_name_are_taken_from_traits()
    {
        var result = Derive("""
            {"type":"object","properties":{"email":{"type":"string","ory.sh/kratos":{"credentials":{"passkey":{"display_name":true},"totp":{"account_name":true}}}}}}
            """, """{"email":"Me@Example.com"}""");
        Assert.Equal("Me@Example.com", result.PasskeyDisplayName);
        Assert.Equal("Me@Example.com", result.TotpAccountName);
        Assert.Empty(result.IdentifiersFor("passkey"));
    }

    [Fact]
    public void Missing_traits_derive_nothing()
    {
        var result = Derive(EmailPassword, "{}");
        Assert.Empty(result.CredentialIdentifiers);
        Assert.Empty(result.VerifiableAddresses);
        Assert.Empty(result.RecoveryAddresses);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Invalid_addresses_for_a_channel_are_errors()
    {
        var sms = Derive("""
            {"type":"object","properties":{"phone":{"type":"string","ory.sh/kratos":{"credentials":{"code":{"identifier":true,"via":"sms"}}}}}}
            """, """{"phone":"not a phone"}""");
        var error = Assert.Single(sms.Errors);
        Assert.Equal(4000041, error.Message.Id);
        Assert.Equal("#/traits/phone", error.Pointer);
        Assert.Empty(sms.CodeAddresses);

        var email = Derive("""
            {"type":"object","properties":{"email":{"type":"string","ory.sh/kratos":{"verification":{"via":"email"}}}}}
            """, """{"email":"nope"}""");
        Assert.Equal(4000040, Assert.Single(email.Errors).Message.Id);

        var badVia = Derive("""
            {"type":"object","properties":{"email":{"type":"string","ory.sh/kratos":{"credentials":{"code":{"identifier":true,"via":"pigeon"}}}}}}
            """, """{"email":"a@example.com"}""");
        Assert.Equal("channel type \"pigeon\" must be one of email, sms", Assert.Single(badVia.Errors).Message.Text);
    }

    [Fact]
    public void Verification_by_sms_without_format_is_a_schema_error()
    {
        var result = Derive("""
            {"type":"object","properties":{"phone":{"type":"string","ory.sh/kratos":{"verification":{"via":"sms"}}}}}
            """, """{"phone":"+4917612345678"}""");
        Assert.StartsWith("no format specified.", Assert.Single(result.Errors).Message.Text);
    }

    [Fact]
    public void No_validate_format_keeps_verification_values_as_given()
    {
        var result = Derive("""
            {"type":"object","properties":{"handle":{"type":"string","format":"no-validate","ory.sh/kratos":{"verification":{"via":"email"}}}}}
            """, """{"handle":"  Custom-Value "}""");
        Assert.Empty(result.Errors);
        Assert.Equal("Custom-Value", Assert.Single(result.VerifiableAddresses).Value);
    }

    [Fact]
    public void Code_addresses_are_sorted()
    {
        var result = Derive("""
            {"type":"object","properties":{
              "b":{"type":"string","format":"email","ory.sh/kratos":{"credentials":{"code":{"identifier":true,"via":"email"}}}},
              "a":{"type":"string","format":"email","ory.sh/kratos":{"credentials":{"code":{"identifier":true,"via":"email"}}}}}}
            """, """{"b":"zed@example.com","a":"amy@example.com"}""");
        Assert.Equal(["amy@example.com", "zed@example.com"], result.CodeAddresses.Select(c => c.Address));
        Assert.Equal(["amy@example.com", "zed@example.com"], result.IdentifiersFor("code"));
    }

    [Fact]
    public void Phone_traits_used_for_sms_are_rewritten_to_e164()
    {
        var schema = SchemaFactory.WithTraits("""
            {"type":"object","properties":{
              "phone":{"type":"string","format":"tel","ory.sh/kratos":{"verification":{"via":"sms"}}},
              "other":{"type":"string"},
              "list":{"type":"array","items":{"type":"string","ory.sh/kratos":{"recovery":{"via":"sms"}}}}}}
            """);
        var normalized = KratosExtension.NormalizePhoneTraits(schema,
            JsonNode.Parse("""{"phone":"+49 176 12345678","other":"+49 176 12345678","list":["+1 650 253 0000","bad"]}"""));

        Assert.Equal("+4917612345678", normalized["phone"]!.GetValue<string>());
        Assert.Equal("+49 176 12345678", normalized["other"]!.GetValue<string>());
        Assert.Equal("+16502530000", normalized["list"]![0]!.GetValue<string>());
        Assert.Equal("bad", normalized["list"]![1]!.GetValue<string>());
    }

    [Fact]
    public void Extension_is_parsed_per_trait()
    {
        var extension = TraitExtension.FromSchema(JsonNode.Parse("""
            {"ory.sh/kratos":{"credentials":{"code":{"identifier":true,"via":"sms"},"totp":{"account_name":true}},"verification":{"via":"sms"}}}
            """)!.AsObject())!;
        Assert.Equal(new CredentialSettings(true, "sms", false, false), extension.Credential("code"));
        Assert.True(extension.Credential("totp")!.AccountName);
        Assert.Equal("sms", extension.VerificationVia);
        Assert.Null(extension.RecoveryVia);
        Assert.Null(TraitExtension.FromSchema(new JsonObject { ["type"] = "string" }));
    }
}
