using System.Text.Json.Nodes;
using IdentityServer.Identities.Schemas;
using IdentityServer.Text;

namespace IdentityServer.Tests.Schemas;

public class TraitsValidatorTests
{
    private static IReadOnlyList<TraitError> Validate(string traitsSchema, string traits) =>
        TraitsValidator.Validate(SchemaFactory.WithTraits(traitsSchema), JsonNode.Parse(traits));

    private static TraitError Single(string traitsSchema, string traits)
    {
        var errors = Validate(traitsSchema, traits);
        return Assert.Single(errors);
    }

    [Fact]
    public void Valid_traits_have_no_errors()
    {
        var errors = Validate("""
            {"type":"object","properties":{"email":{"type":"string","format":"email","minLength":3},
             "age":{"type":"integer","minimum":0}},"required":["email"],"additionalProperties":false}
            """, """{"email":"foo@example.com","age":30}""");
        Assert.Empty(errors);
    }

    [Fact]
    public void Missing_required_trait_is_4000002_at_the_trait()
    {
        var error = Single("""{"type":"object","properties":{"email":{"type":"string"}},"required":["email"]}""", "{}");

        Assert.Equal("#/traits/email", error.Pointer);
        Assert.Equal("traits.email", error.Property);
        Assert.Equal(4000002, error.Message.Id);
        Assert.Equal("Property email is missing.", error.Message.Text);
        Assert.Equal("email", error.Message.Context!["property"]!.GetValue<string>());
    }

    [Fact]
    public void Every_missing_property_is_reported()
    {
        var errors = Validate("""{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["a","b"]}""", "{}");
        Assert.Equal(["traits.a", "traits.b"], errors.Select(e => e.Property));
        Assert.All(errors, e => Assert.Equal(MessageIds.ValidationRequired, e.Message.Id));
    }

    [Fact]
    public void Min_length_is_4000003_and_counts_code_points()
    {
        var error = Single("""{"type":"object","properties":{"name":{"type":"string","minLength":5}}}""", """{"name":"abc"}""");
        Assert.Equal(4000003, error.Message.Id);
        Assert.Equal("length must be >= 5, but got 3", error.Message.Text);
        Assert.Equal(5, error.Message.Context!["min_length"]!.GetValue<int>());
        Assert.Equal(3, error.Message.Context!["actual_length"]!.GetValue<int>());

        // Two emoji are four UTF-16 units but two characters.
        Assert.Empty(Validate("""{"type":"object","properties":{"name":{"type":"string","maxLength":2}}}""", """{"name":"😀😀"}"""));
    }

    [Fact]
    public void Max_length_is_4000017()
    {
        var error = Single("""{"type":"object","properties":{"name":{"type":"string","maxLength":2}}}""", """{"name":"abc"}""");
        Assert.Equal(4000017, error.Message.Id);
        Assert.Equal("length must be <= 2, but got 3", error.Message.Text);
    }

    [Fact]
    public void Pattern_mismatch_is_4000004_with_the_pattern()
    {
        var error = Single("""{"type":"object","properties":{"u":{"type":"string","pattern":"^[a-z]+$"}}}""", """{"u":"ABC"}""");
        Assert.Equal(4000004, error.Message.Id);
        Assert.Equal("does not match pattern \"^[a-z]+$\"", error.Message.Text);
        Assert.Equal("^[a-z]+$", error.Message.Context!["pattern"]!.GetValue<string>());
    }

    [Fact]
    public void Invalid_email_is_4000040()
    {
        var error = Single("""{"type":"object","properties":{"email":{"type":"string","format":"email"}}}""", """{"email":"not-an-email"}""");
        Assert.Equal(4000040, error.Message.Id);
        Assert.Equal("Enter a valid email address", error.Message.Text);
        Assert.Equal("not-an-email", error.Message.Context!["value"]!.GetValue<string>());
        Assert.Equal("#/traits/email", error.Pointer);
    }

    [Fact]
    public void Invalid_phone_is_4000041()
    {
        var error = Single("""{"type":"object","properties":{"phone":{"type":"string","format":"tel"}}}""", """{"phone":"12345"}""");
        Assert.Equal(4000041, error.Message.Id);
        Assert.Equal("Enter a valid phone number", error.Message.Text);
    }

    [Theory]
    [InlineData("date", "2024-13-01")]
    [InlineData("date-time", "yesterday")]
    [InlineData("uri", "not a uri")]
    public void Other_invalid_formats_are_generic_4000001(string format, string value)
    {
        var schema = "{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"string\",\"format\":\"" + format + "\"}}}";
        var error = Single(schema, "{\"v\":\"" + value + "\"}");
        Assert.Equal(4000001, error.Message.Id);
        Assert.Equal($"\"{value}\" is not valid \"{format}\"", error.Message.Text);
    }

    [Fact]
    public void Valid_formats_pass()
    {
        Assert.Empty(Validate("""
            {"type":"object","properties":{"d":{"type":"string","format":"date"},"t":{"type":"string","format":"date-time"},
             "u":{"type":"string","format":"uri"},"p":{"type":"string","format":"tel"}}}
            """, """{"d":"2024-01-31","t":"2024-01-31T10:00:00Z","u":"https://example.com","p":"+4917612345678"}"""));
    }

    [Theory]
    [InlineData("""{"minimum":5}""", "4", 4000018, "must be >= 5 but found 4")]
    [InlineData("""{"exclusiveMinimum":5}""", "5", 4000019, "must be > 5 but found 5")]
    [InlineData("""{"maximum":5}""", "6", 4000020, "must be <= 5 but found 6")]
    [InlineData("""{"exclusiveMaximum":5}""", "5", 4000021, "must be < 5 but found 5")]
    [InlineData("""{"multipleOf":2}""", "5", 4000022, "5 not multipleOf 2")]
    [InlineData("""{"minimum":1.5}""", "1.25", 4000018, "must be >= 1.5 but found 1.25")]
    public void Number_keywords_have_their_own_ids(string keyword, string value, long id, string text)
    {
        var schema = """{"type":"object","properties":{"n":""" + keyword.Replace("{", "{\"type\":\"number\",") + "}}";
        var error = Single(schema, "{\"n\":" + value + "}");
        Assert.Equal(id, error.Message.Id);
        Assert.Equal(text, error.Message.Text);
        Assert.Equal("#/traits/n", error.Pointer);
    }

    [Fact]
    public void Array_keywords_have_their_own_ids()
    {
        const string schema = """{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"},"minItems":2,"maxItems":3,"uniqueItems":true}}}""";

        var tooFew = Single(schema, """{"tags":["a"]}""");
        Assert.Equal(4000024, tooFew.Message.Id);
        Assert.Equal("minimum 2 items allowed, but found 1 items", tooFew.Message.Text);

        var tooMany = Single(schema, """{"tags":["a","b","c","d"]}""");
        Assert.Equal(4000023, tooMany.Message.Id);
        Assert.Equal("maximum 3 items allowed, but found 4 items", tooMany.Message.Text);

        var duplicate = Single(schema, """{"tags":["a","b","a"]}""");
        Assert.Equal(4000025, duplicate.Message.Id);
        Assert.Equal("items at index 0 and 2 are equal", duplicate.Message.Text);
    }

    [Fact]
    public void Invalid_array_item_is_reported_at_its_index()
    {
        var error = Single("""{"type":"object","properties":{"emails":{"type":"array","items":{"type":"string","format":"email"}}}}""",
            """{"emails":["a@example.com","nope"]}""");
        Assert.Equal("#/traits/emails/1", error.Pointer);
        Assert.Equal("traits.emails.1", error.Property);
        Assert.Equal(4000040, error.Message.Id);
    }

    [Fact]
    public void Wrong_type_is_4000026_and_hides_content_errors()
    {
        var error = Single("""{"type":"object","properties":{"email":{"type":"string","minLength":3}}}""", """{"email":42}""");
        Assert.Equal(4000026, error.Message.Id);
        Assert.Equal("expected string, but got number", error.Message.Text);
        Assert.Equal("number", error.Message.Context!["actual_type"]!.GetValue<string>());

        // Traits that are not an object get only the type error, not one per required property.
        var root = Single("""{"type":"object","properties":{"email":{"type":"string"}},"required":["email"]}""", "\"text\"");
        Assert.Equal(4000026, root.Message.Id);
        Assert.Equal("#/traits", root.Pointer);
        Assert.Equal("expected object, but got string", root.Message.Text);
    }

    [Fact]
    public void Integers_may_be_written_with_a_zero_fraction()
    {
        const string schema = """{"type":"object","properties":{"n":{"type":"integer"}}}""";
        Assert.Empty(Validate(schema, """{"n":5.0}"""));
        var error = Single(schema, """{"n":5.5}""");
        Assert.Equal("expected integer, but got number", error.Message.Text);
    }

    [Fact]
    public void Const_is_4000029_and_4000030_for_structured_constants()
    {
        var error = Single("""{"type":"object","properties":{"tos":{"const":"accepted"}}}""", """{"tos":"declined"}""");
        Assert.Equal(4000029, error.Message.Id);
        Assert.Equal("must be equal to constant \"accepted\"", error.Message.Text);

        var boolean = Single("""{"type":"object","properties":{"tos":{"type":"boolean","const":true}}}""", """{"tos":false}""");
        Assert.Equal("must be equal to constant true", boolean.Message.Text);

        var structured = Single("""{"type":"object","properties":{"o":{"const":{"a":1}}}}""", """{"o":{"a":2}}""");
        Assert.Equal(4000030, structured.Message.Id);
        Assert.Equal("const failed", structured.Message.Text);

        Assert.Empty(Validate("""{"type":"object","properties":{"tos":{"const":"accepted"}}}""", """{"tos":"accepted"}"""));
    }

    [Fact]
    public void Const_discriminates_one_of_branches()
    {
        const string schema = """{"type":"object","properties":{"kind":{"oneOf":[{"const":"a"},{"const":"b"}]}}}""";
        Assert.Empty(Validate(schema, """{"kind":"a"}"""));
        Assert.NotEmpty(Validate(schema, """{"kind":"c"}"""));
    }

    [Fact]
    public void Enum_failure_is_generic_with_the_allowed_values()
    {
        var error = Single("""{"type":"object","properties":{"c":{"type":"string","enum":["red","green"]}}}""", """{"c":"blue"}""");
        Assert.Equal(4000001, error.Message.Id);
        Assert.Equal("value must be one of \"red\", \"green\"", error.Message.Text);
    }

    [Fact]
    public void Additional_properties_are_reported_once_on_the_object()
    {
        var error = Single("""{"type":"object","properties":{"email":{"type":"string"}},"additionalProperties":false}""",
            """{"email":"a@example.com","x":1,"y":2}""");
        Assert.Equal(4000001, error.Message.Id);
        Assert.Equal("additionalProperties \"x\", \"y\" not allowed", error.Message.Text);
        Assert.Equal("#/traits", error.Pointer);
        Assert.Equal("traits", error.Property);
    }

    [Fact]
    public void Nested_traits_get_nested_pointers()
    {
        var errors = Validate("""
            {"type":"object","properties":{"name":{"type":"object","properties":{"first":{"type":"string","minLength":2},"last":{"type":"string"}},"required":["last"]}}}
            """, """{"name":{"first":"A"}}""");
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Pointer == "#/traits/name/first" && e.Property == "traits.name.first" && e.Message.Id == 4000003);
        Assert.Contains(errors, e => e.Pointer == "#/traits/name/last" && e.Message.Id == 4000002 && e.Message.Text == "Property last is missing.");
    }

    [Fact]
    public void Pointer_segments_are_escaped()
    {
        var error = Single("""{"type":"object","properties":{"a/b":{"type":"string"}},"required":["a/b"]}""", "{}");
        Assert.Equal("#/traits/a~1b", error.Pointer);
        Assert.Equal("traits.a/b", error.Property);
    }

    [Fact]
    public void Conditional_schemas_report_the_branch_that_applies()
    {
        const string schema = """
            {"type":"object","properties":{"country":{"type":"string"},"zip":{"type":"string"},"state":{"type":"string"}},
             "if":{"properties":{"country":{"const":"US"}},"required":["country"]},
             "then":{"required":["zip"]},
             "else":{"required":["state"]}}
            """;
        var us = Single(schema, """{"country":"US"}""");
        Assert.Equal("#/traits/zip", us.Pointer);
        Assert.Equal(4000002, us.Message.Id);

        var other = Single(schema, """{"country":"DE"}""");
        Assert.Equal("#/traits/state", other.Pointer);

        Assert.Empty(Validate(schema, """{"country":"US","zip":"12345"}"""));
        Assert.Empty(Validate(schema, """{"country":"DE","state":"BE"}"""));
    }

    [Theory]
    [InlineData("dependencies")]
    [InlineData("dependentRequired")]
    public void Dependent_required_properties_are_generic_errors_on_the_object(string keyword)
    {
        var schema = """{"type":"object","properties":{"card":{"type":"string"},"cvc":{"type":"string"}},"KEYWORD":{"card":["cvc"]}}"""
            .Replace("KEYWORD", keyword);
        var error = Single(schema, """{"card":"4111"}""");
        Assert.Equal(4000001, error.Message.Id);
        Assert.Equal("property \"cvc\" is required, if \"card\" property exists", error.Message.Text);
        Assert.Equal("#/traits", error.Pointer);

        Assert.Empty(Validate(schema, "{}"));
        Assert.Empty(Validate(schema, """{"card":"4111","cvc":"123"}"""));
    }

    [Fact]
    public void Dependent_schemas_report_their_own_errors()
    {
        const string schema = """{"type":"object","properties":{"card":{"type":"string"},"cvc":{"type":"string"}},"dependentSchemas":{"card":{"properties":{"cvc":{"minLength":3}}}}}""";
        var error = Single(schema, """{"card":"4111","cvc":"1"}""");
        Assert.Equal(4000003, error.Message.Id);
        Assert.Equal("#/traits/cvc", error.Pointer);
        Assert.Empty(Validate(schema, """{"cvc":"1"}"""));
    }

    [Fact]
    public void Contains_needs_a_matching_item()
    {
        const string schema = """{"type":"object","properties":{"roles":{"type":"array","contains":{"const":"member"}}}}""";
        var error = Single(schema, """{"roles":["guest"]}""");
        Assert.Equal("contains failed", error.Message.Text);
        Assert.Equal("#/traits/roles", error.Pointer);
        Assert.Empty(Validate(schema, """{"roles":["guest","member"]}"""));
    }

    [Fact]
    public void Draft_2020_12_schemas_with_defs_and_prefix_items_are_supported()
    {
        var schema = SchemaFactory.FromDocument("""
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
             "$defs":{"email":{"type":"string","format":"email"}},
             "properties":{"traits":{"type":"object","properties":{
                "email":{"$ref":"#/$defs/email"},
                "pair":{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":false}},
              "required":["email"]}}}
            """);
        Assert.Empty(TraitsValidator.Validate(schema, JsonNode.Parse("""{"email":"a@example.com","pair":["a",1]}""")));

        var badEmail = Assert.Single(TraitsValidator.Validate(schema, JsonNode.Parse("""{"email":"nope"}""")));
        Assert.Equal(4000040, badEmail.Message.Id);

        var badPair = Assert.Single(TraitsValidator.Validate(schema, JsonNode.Parse("""{"email":"a@example.com","pair":[1,1]}""")));
        Assert.Equal("#/traits/pair/0", badPair.Pointer);
        Assert.Equal(4000026, badPair.Message.Id);
    }

    [Fact]
    public void Draft_07_definitions_references_resolve()
    {
        var schema = SchemaFactory.FromDocument("""
            {"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"tel":{"type":"string","format":"tel"}},
             "type":"object","properties":{"traits":{"type":"object","properties":{"phone":{"$ref":"#/definitions/tel"}}}}}
            """);
        var error = Assert.Single(TraitsValidator.Validate(schema, JsonNode.Parse("""{"phone":"123"}""")));
        Assert.Equal(4000041, error.Message.Id);
        Assert.Equal("#/traits/phone", error.Pointer);
    }

    [Fact]
    public void Extension_errors_are_included()
    {
        // Recovery by SMS needs a real phone number even without a format.
        var error = Single("""
            {"type":"object","properties":{"phone":{"type":"string","ory.sh/kratos":{"recovery":{"via":"sms"}}}}}
            """, """{"phone":"12"}""");
        Assert.Equal(4000041, error.Message.Id);
        Assert.Equal("#/traits/phone", error.Pointer);
    }

    [Fact]
    public void Missing_traits_are_validated_as_an_empty_object()
    {
        var schema = SchemaFactory.WithTraits("""{"type":"object","properties":{"email":{"type":"string"}},"required":["email"]}""");
        var error = Assert.Single(TraitsValidator.Validate(schema, null));
        Assert.Equal(4000002, error.Message.Id);
    }

    [Fact]
    public void One_schema_can_be_used_from_many_threads()
    {
        var schema = SchemaFactory.Shipped("email-password.schema.json");
        var results = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 64, i =>
        {
            var traits = JsonNode.Parse(i % 2 == 0 ? """{"email":"a@example.com"}""" : """{"email":"x"}""");
            results.Add(TraitsValidator.Validate(schema, traits).Count + KratosExtension.Derive(schema, traits).RecoveryAddresses.Count * 10);
        });
        Assert.Equal(32, results.Count(r => r == 10));
        Assert.Equal(32, results.Count(r => r > 0 && r != 10));
    }
}
