using System.Text.Json.Nodes;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema.Validation;
using NJsonSchema.Validation.FormatValidators;

namespace IdentityServer.Identities.Schemas;

/// <summary>
/// Validates identity traits against an identity schema. The traits are checked as the
/// <c>traits</c> property of the identity document, so pointers in errors read <c>#/traits/...</c>.
/// </summary>
public static class TraitsValidator
{
    private static readonly JsonSchemaValidator Validator = new(new JsonSchemaValidatorSettings
    {
        FormatValidators =
        [
            new TraitFormatValidator("email", ValidationErrorKind.EmailExpected),
            new TraitFormatValidator("email_loose", ValidationErrorKind.EmailExpected),
            new TraitFormatValidator("tel", ValidationErrorKind.Unknown),
            new TraitFormatValidator("date", ValidationErrorKind.DateExpected),
            new TraitFormatValidator("date-time", ValidationErrorKind.DateTimeExpected),
            new TraitFormatValidator("uri", ValidationErrorKind.UriExpected),
            new TraitFormatValidator("iri", ValidationErrorKind.UriExpected),
        ],
    });

    /// <summary>All schema and <c>ory.sh/kratos</c> extension errors of the traits; empty when valid.</summary>
    public static IReadOnlyList<TraitError> Validate(IdentitySchema schema, JsonNode? traits)
    {
        var errors = ValidateAgainst(schema.Compiled, WrapTraits(traits));
        var reported = errors.Select(e => e.Pointer).ToHashSet();
        foreach (var extensionError in KratosExtension.Derive(schema, traits).Errors)
        {
            if (reported.Add(extensionError.Pointer))
            {
                errors.Add(extensionError);
            }
        }
        return errors;
    }

    internal static List<TraitError> ValidateAgainst(NJsonSchema.JsonSchema compiled, JToken document) =>
        ValidationErrorTranslator.Translate(Validator.Validate(document, compiled));

    private static JObject WrapTraits(JsonNode? traits)
    {
        JToken value = new JObject();
        if (traits is not null)
        {
            // Keep strings as strings: timestamps must reach the format checks unchanged.
            using var reader = new JsonTextReader(new StringReader(traits.ToJsonString()))
            {
                DateParseHandling = DateParseHandling.None,
                FloatParseHandling = FloatParseHandling.Double,
            };
            value = JToken.ReadFrom(reader);
        }
        return new JObject { ["traits"] = value };
    }

    private sealed class TraitFormatValidator(string format, ValidationErrorKind kind) : IFormatValidator
    {
        public string Format => format;

        public ValidationErrorKind ValidationErrorKind => kind;

        public bool IsValid(string value, JTokenType tokenType) => TraitFormats.Check(format, value) ?? true;
    }
}
