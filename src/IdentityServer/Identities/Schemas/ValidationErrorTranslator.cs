using System.Globalization;
using IdentityServer.Text;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace IdentityServer.Identities.Schemas;

/// <summary>
/// Turns NJsonSchema validation errors into trait errors with the catalog's validation message for
/// each JSON Schema keyword.
/// </summary>
internal static class ValidationErrorTranslator
{
    public static List<TraitError> Translate(IEnumerable<ValidationError> errors)
    {
        var collected = new List<(TraitError Error, bool IsTypeError)>();
        foreach (var error in errors)
        {
            Collect(error, collected);
        }
        return Clean(collected);
    }

    private static void Collect(ValidationError error, List<(TraitError, bool)> output)
    {
        var schema = error.Schema;
        var token = error.Token;
        var pointer = token is null ? "#" : JsonPointers.Of(token);

        void Add(UiText message, string? at = null) => output.Add((TraitError.At(at ?? pointer, message), false));

        switch (error.Kind)
        {
            case ValidationErrorKind.PropertyRequired:
                var missing = error.Property ?? "";
                Add(Messages.ValidationRequired(missing), JsonPointers.Append(pointer, missing));
                break;

            case ValidationErrorKind.StringTooShort:
            case ValidationErrorKind.StringTooLong:
                AddLengthError(error, schema, token, Add);
                break;

            case ValidationErrorKind.PatternMismatch:
                Add(Messages.InvalidFormat(schema.Pattern ?? ""));
                break;

            case ValidationErrorKind.NumberTooSmall:
                Add(MinimumMessage(schema, NumberOf(token)));
                break;

            case ValidationErrorKind.NumberTooBig:
                Add(MaximumMessage(schema, NumberOf(token)));
                break;

            case ValidationErrorKind.NumberNotMultipleOf:
            case ValidationErrorKind.IntegerNotMultipleOf:
                Add(Messages.ValidationMultipleOf((double)(schema.MultipleOf ?? 0), NumberOf(token)));
                break;

            case ValidationErrorKind.TooManyItems:
                Add(Messages.ValidationMaxItems(schema.MaxItems, (token as JArray)?.Count ?? 0));
                break;

            case ValidationErrorKind.TooFewItems:
                Add(Messages.ValidationMinItems(schema.MinItems, (token as JArray)?.Count ?? 0));
                break;

            case ValidationErrorKind.ItemsNotUnique:
                foreach (var (a, b) in EqualItemPairs(token as JArray))
                {
                    Add(Messages.ValidationUniqueItems(a, b));
                }
                break;

            case ValidationErrorKind.IntegerExpected when token is JValue { Type: JTokenType.Float } f && double.IsInteger(Convert.ToDouble(f.Value, CultureInfo.InvariantCulture)):
                // 5.0 is an integer in JSON Schema.
                break;

            case ValidationErrorKind.StringExpected:
            case ValidationErrorKind.NumberExpected:
            case ValidationErrorKind.IntegerExpected:
            case ValidationErrorKind.BooleanExpected:
            case ValidationErrorKind.ObjectExpected:
            case ValidationErrorKind.ArrayExpected:
            case ValidationErrorKind.NullExpected:
            case ValidationErrorKind.NoTypeValidates:
                output.Add((TraitError.At(pointer, Messages.ValidationWrongType(TypeNames(schema.Type), JsonTypeOf(token))), true));
                break;

            case ValidationErrorKind.NotInEnumeration:
                Add(EnumMessage(schema));
                break;

            case ValidationErrorKind.NoAdditionalPropertiesAllowed:
                // Reported once per object, listing every unexpected property.
                var objectPointer = token?.Parent is JObject parentObject ? JsonPointers.Of(parentObject) : "#";
                var names = token?.Parent is JObject obj
                    ? obj.Properties().Where(p => !schema.Properties.ContainsKey(p.Name) && !MatchesPatternProperty(schema, p.Name))
                        .Select(p => GoStyleFormat.Quote(p.Name))
                    : [GoStyleFormat.Quote(error.Property ?? "")];
                Add(Messages.ValidationGeneric($"additionalProperties {string.Join(", ", names)} not allowed"), objectPointer);
                break;

            case ValidationErrorKind.TooManyItemsInTuple:
                var tuple = token?.Parent as JArray;
                Add(Messages.ValidationGeneric($"only {schema.Items.Count} items are allowed, but found {tuple?.Count ?? 0} items"),
                    tuple is null ? pointer : JsonPointers.Of(tuple));
                break;

            case ValidationErrorKind.TooManyProperties:
                Add(Messages.ValidationGeneric(
                    $"maximum {schema.MaxProperties} properties allowed, but found {(token as JObject)?.Count ?? 0} properties"));
                break;

            case ValidationErrorKind.TooFewProperties:
                Add(Messages.ValidationGeneric(
                    $"minimum {schema.MinProperties} properties allowed, but found {(token as JObject)?.Count ?? 0} properties"));
                break;

            case ValidationErrorKind.ExcludedSchemaValidates:
                Add(Messages.ValidationGeneric(HasMarker(schema, SchemaPreparer.ContainsMarker) ? "contains failed" : "not failed"));
                break;

            case ValidationErrorKind.NotAnyOf when HasMarker(schema, SchemaPreparer.DependencyMarker) && error is ChildSchemaValidationError dependency:
                var dependent = schema.ExtensionData![SchemaPreparer.DependencyMarker]?.ToString() ?? "";
                foreach (var inner in dependency.Errors.Skip(1).SelectMany(e => e.Value))
                {
                    if (inner.Kind == ValidationErrorKind.PropertyRequired)
                    {
                        Add(Messages.ValidationGeneric(
                            $"property {GoStyleFormat.Quote(inner.Property ?? "")} is required, if {GoStyleFormat.Quote(dependent)} property exists"));
                    }
                    else
                    {
                        Collect(inner, output);
                    }
                }
                break;

            case ValidationErrorKind.NotAnyOf when IsConditional(schema) && error is ChildSchemaValidationError conditional:
                foreach (var inner in ConditionalBranchErrors(conditional))
                {
                    Collect(inner, output);
                }
                break;

            case ValidationErrorKind.NotOneOf when error is ChildSchemaValidationError oneOf && oneOf.Errors.Count(e => e.Value.Count == 0) > 1:
                var valid = oneOf.Errors.Select((e, i) => (e, i)).Where(x => x.e.Value.Count == 0).Select(x => x.i).Take(2).ToArray();
                Add(Messages.ValidationGeneric($"valid against schemas at indexes {valid[0]} and {valid[1]}"));
                break;

            case ValidationErrorKind.NotAnyOf:
            case ValidationErrorKind.NotAllOf:
            case ValidationErrorKind.NotOneOf:
            case ValidationErrorKind.ArrayItemNotValid:
            case ValidationErrorKind.AdditionalItemNotValid:
            case ValidationErrorKind.AdditionalPropertiesNotValid:
                if (error is ChildSchemaValidationError child)
                {
                    foreach (var inner in child.Errors.SelectMany(e => e.Value))
                    {
                        Collect(inner, output);
                    }
                }
                break;

            default:
                if (!string.IsNullOrEmpty(schema.Format) && token?.Type == JTokenType.String)
                {
                    Add(FormatMessage(schema.Format!, token.Value<string>() ?? ""));
                }
                else
                {
                    Add(Messages.ValidationGeneric(error.Kind.ToString()));
                }
                break;
        }
    }

    /// <summary>The message for a failed <c>format</c>, as the catalog has it for e-mail and phone fields.</summary>
    public static UiText FormatMessage(string format, string value) => format switch
    {
        "email" or "email_loose" => Messages.ValidationEmail(value),
        "tel" => Messages.ValidationPhone(value),
        _ => Messages.ValidationGeneric($"{GoStyleFormat.Quote(value)} is not valid {GoStyleFormat.Quote(format)}"),
    };

    private static void AddLengthError(ValidationError error, JsonSchema schema, JToken? token, Action<UiText, string?> add)
    {
        // Lengths count Unicode code points, not UTF-16 units.
        var length = (token?.Value<string>() ?? "").EnumerateRunes().Count();
        if (error.Kind == ValidationErrorKind.StringTooShort && schema.MinLength is { } min && length < min)
        {
            add(Messages.ValidationMinLength(min, length), null);
        }
        if (error.Kind == ValidationErrorKind.StringTooLong && schema.MaxLength is { } max && length > max)
        {
            add(Messages.ValidationMaxLength(max, length), null);
        }
    }

    private static UiText MinimumMessage(JsonSchema schema, double actual)
    {
        if (schema.ExclusiveMinimum is { } exclusive && (decimal)actual <= exclusive)
        {
            return Messages.ValidationExclusiveMinimum((double)exclusive, actual);
        }
        var minimum = (double)(schema.Minimum ?? 0);
        return schema.IsExclusiveMinimum
            ? Messages.ValidationExclusiveMinimum(minimum, actual)
            : Messages.ValidationMinimum(minimum, actual);
    }

    private static UiText MaximumMessage(JsonSchema schema, double actual)
    {
        if (schema.ExclusiveMaximum is { } exclusive && (decimal)actual >= exclusive)
        {
            return Messages.ValidationExclusiveMaximum((double)exclusive, actual);
        }
        var maximum = (double)(schema.Maximum ?? 0);
        return schema.IsExclusiveMaximum
            ? Messages.ValidationExclusiveMaximum(maximum, actual)
            : Messages.ValidationMaximum(maximum, actual);
    }

    private static UiText EnumMessage(JsonSchema schema)
    {
        var values = schema.Enumeration.Select(v => v is null ? JValue.CreateNull() : JToken.FromObject(v)).ToList();
        if (schema.ExtensionData?.ContainsKey(SchemaPreparer.ConstMarker) == true)
        {
            var constant = values.FirstOrDefault();
            return constant is JObject or JArray || constant is null
                ? Messages.ValidationConstGeneric()
                : Messages.ValidationConst(GoSyntax(constant));
        }
        if (values.Any(v => v is JObject or JArray))
        {
            return Messages.ValidationGeneric("enum failed");
        }
        return values.Count == 1
            ? Messages.ValidationGeneric($"value must be {GoSyntax(values[0])}")
            : Messages.ValidationGeneric($"value must be one of {string.Join(", ", values.Select(GoSyntax))}");
    }

    /// <summary>How a schema constant is spelled in messages: strings and numbers quoted, booleans bare.</summary>
    private static string GoSyntax(JToken value) => value.Type switch
    {
        JTokenType.String => GoStyleFormat.Quote(value.Value<string>() ?? ""),
        JTokenType.Integer or JTokenType.Float => GoStyleFormat.Quote(value.ToString(Newtonsoft.Json.Formatting.None)),
        JTokenType.Boolean => value.Value<bool>() ? "true" : "false",
        JTokenType.Null => "<nil>",
        _ => value.ToString(Newtonsoft.Json.Formatting.None),
    };

    private static bool IsConditional(JsonSchema schema) => HasMarker(schema, SchemaPreparer.ConditionalMarker);

    private static bool HasMarker(JsonSchema schema, string marker) => schema.ExtensionData?.ContainsKey(marker) == true;

    /// <summary>
    /// For a rewritten <c>if/then/else</c>: the errors of <c>then</c> when the condition held,
    /// otherwise those of <c>else</c>.
    /// </summary>
    private static IEnumerable<ValidationError> ConditionalBranchErrors(ChildSchemaValidationError error)
    {
        var branches = error.Errors.ToList();
        if (branches.Count != 2)
        {
            return branches.SelectMany(b => b.Value);
        }
        var whenTrue = branches[0];
        var conditionHeld = whenTrue.Value.OfType<ChildSchemaValidationError>()
            .Where(e => e.Kind == ValidationErrorKind.NotAllOf)
            .Select(e => e.Errors.ToList())
            .FirstOrDefault() is { Count: 2 } parts && parts[0].Value.Count == 0;
        var chosen = conditionHeld || branches[1].Value.Count == 0 ? whenTrue : branches[1];
        return chosen.Value.OfType<ChildSchemaValidationError>()
            .Where(e => e.Kind == ValidationErrorKind.NotAllOf)
            .SelectMany(e => e.Errors.Skip(1).SelectMany(x => x.Value));
    }

    private static bool MatchesPatternProperty(JsonSchema schema, string name) =>
        schema.PatternProperties.Keys.Any(pattern => System.Text.RegularExpressions.Regex.IsMatch(name, pattern));

    private static IEnumerable<(int, int)> EqualItemPairs(JArray? array)
    {
        if (array is null)
        {
            yield break;
        }
        for (var i = 1; i < array.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (JToken.DeepEquals(array[i], array[j]))
                {
                    yield return (j, i);
                }
            }
        }
    }

    private static double NumberOf(JToken? token) =>
        token is JValue { Type: JTokenType.Integer or JTokenType.Float } v ? Convert.ToDouble(v.Value, CultureInfo.InvariantCulture) : 0;

    private static List<string> TypeNames(JsonObjectType type)
    {
        var names = new List<string>();
        void AddIf(JsonObjectType flag, string name)
        {
            if (type.HasFlag(flag))
            {
                names.Add(name);
            }
        }
        AddIf(JsonObjectType.String, "string");
        AddIf(JsonObjectType.Number, "number");
        AddIf(JsonObjectType.Integer, "integer");
        AddIf(JsonObjectType.Boolean, "boolean");
        AddIf(JsonObjectType.Object, "object");
        AddIf(JsonObjectType.Array, "array");
        AddIf(JsonObjectType.Null, "null");
        return names;
    }

    internal static string JsonTypeOf(JToken? token) => token?.Type switch
    {
        JTokenType.String => "string",
        JTokenType.Integer or JTokenType.Float => "number",
        JTokenType.Boolean => "boolean",
        JTokenType.Object => "object",
        JTokenType.Array => "array",
        _ => "null",
    };

    /// <summary>
    /// A value of the wrong type gets only the type error (no messages about its content), and
    /// the same message at the same place is reported once.
    /// </summary>
    private static List<TraitError> Clean(List<(TraitError Error, bool IsTypeError)> collected)
    {
        var typeErrorPointers = collected.Where(c => c.IsTypeError).Select(c => c.Error.Pointer).ToHashSet();
        var result = new List<TraitError>();
        var seen = new HashSet<(string, long, string)>();
        foreach (var (error, isTypeError) in collected)
        {
            if (!isTypeError && typeErrorPointers.Any(p => error.Pointer == p || error.Pointer.StartsWith(p + "/", StringComparison.Ordinal)))
            {
                continue;
            }
            if (seen.Add((error.Pointer, error.Message.Id, error.Message.Text)))
            {
                result.Add(error);
            }
        }
        return result;
    }
}
