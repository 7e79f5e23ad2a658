using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace IdentityServer.Config;

/// <summary>A problem found by the schema check, before it is given a file position.</summary>
internal sealed record SchemaIssue(string KeyPath, string Message, string? Hint = null);

/// <summary>
/// Checks a configuration tree against the project's schema and describes every problem in words a
/// person can act on. It understands the subset of JSON Schema the project's schema uses: type, enum,
/// const, properties, additionalProperties, required, items, minItems, minimum, maximum, minLength,
/// maxLength, pattern, format, $ref, allOf and if/then/else, plus annotations that only shape the messages:
/// x-hint (advice for a bad value), x-missing-hint (advice for a missing key), x-member-noun (what the
/// children of an object are, e.g. "flow") and x-sensitive (never repeat the value in a message).
/// </summary>
internal sealed class SchemaValidator
{
    private readonly ConfigSchema _schema;
    private readonly List<SchemaIssue> _issues = [];

    private SchemaValidator(ConfigSchema schema) => _schema = schema;

    public static IReadOnlyList<SchemaIssue> Validate(ConfigSchema schema, JsonNode? root)
    {
        var validator = new SchemaValidator(schema);
        validator.Check(root, schema.Root, "");
        return validator._issues.Distinct().ToList();
    }

    private bool Passes(JsonNode? value, JsonObject schema, string path)
    {
        var probe = new SchemaValidator(_schema);
        probe.Check(value, schema, path);
        return probe._issues.Count == 0;
    }

    private void Report(string path, string message, string? hint = null) => _issues.Add(new SchemaIssue(path, message, hint));

    private void Check(JsonNode? value, JsonObject schema, string path)
    {
        if (schema["$ref"] is JsonValue reference)
        {
            Check(value, _schema.Lookup(reference.GetValue<string>()), path);
        }
        if (!CheckType(value, schema, path)) return;
        if (!CheckConstants(value, schema, path)) return;

        switch (value)
        {
            case JsonObject obj:
                CheckObject(obj, schema, path);
                break;
            case JsonArray array:
                CheckArray(array, schema, path);
                break;
            case JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String:
                CheckString(scalar.GetValue<string>(), schema, path);
                break;
            case JsonValue scalar when scalar.GetValueKind() == JsonValueKind.Number:
                CheckNumber(scalar, schema, path);
                break;
        }

        if (schema["allOf"] is JsonArray parts)
        {
            foreach (var part in parts.OfType<JsonObject>()) Check(value, part, path);
        }
        if (schema["if"] is JsonObject condition)
        {
            var branch = Passes(value, condition, path) ? schema["then"] : schema["else"];
            if (branch is JsonObject branchSchema) Check(value, branchSchema, path);
        }
    }

    private bool CheckType(JsonNode? value, JsonObject schema, string path)
    {
        var allowed = schema["type"] switch
        {
            JsonValue single => [single.GetValue<string>()],
            JsonArray many => many.Select(item => item!.GetValue<string>()).ToList(),
            _ => null,
        };
        if (allowed is null) return true;

        var actual = JsonDescriptions.KindOf(value);
        if (allowed.Contains(actual) || (actual == "integer" && allowed.Contains("number"))) return true;

        var got = IsSensitive(schema) && value is JsonValue
            ? JsonDescriptions.TypeName(actual == "integer" ? "number" : actual) + " (value hidden)"
            : JsonDescriptions.Describe(value);

        // "a number" reads better for port: abc; "a whole number" explains why 1.5 is refused.
        var expected = string.Join(" or ", allowed.Select(type =>
            type == "integer" ? (actual == "number" ? "a whole number" : "a number") : JsonDescriptions.TypeName(type)));
        Report(path, $"expected {expected}, got {got}", TypeHint(value, allowed[0], schema, path));
        return false;
    }

    private string? TypeHint(JsonNode? value, string expected, JsonObject schema, string path)
    {
        var resolved = _schema.Resolve(schema);
        var names = _schema.AllProperties(resolved).Select(pair => pair.Key).ToHashSet();
        var last = LastSegment(path);

        if (expected == "object" && value is JsonArray && names.Contains("hooks"))
        {
            return $"hooks go in a list under \"hooks\": write hooks: below {last} and indent the list under it";
        }
        if (expected == "object" && value is JsonValue && names.Contains("hook"))
        {
            return $"write each hook as an object, e.g. - hook: {JsonDescriptions.Render(value).Trim('"')}";
        }
        if (expected == "array" && value is JsonObject hookObject && hookObject.ContainsKey("hook"))
        {
            return "hooks form a list; start each hook with \"- \", e.g. - hook: session";
        }
        if (expected == "array" && value is JsonValue)
        {
            return "give a list, one item per line starting with \"- \"";
        }
        if (expected == "object" && value is null)
        {
            return $"give {last} some keys or remove it";
        }
        if (expected == "string" && value is JsonValue && resolved["format"]?.GetValue<string>() == "duration")
        {
            return "durations need a unit, e.g. 15m, 1h or 500ms";
        }
        if (expected is "integer" or "number" && value is JsonValue text && text.GetValueKind() == JsonValueKind.String
            && double.TryParse(text.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return "remove the quotes around the number";
        }
        if (expected == "boolean" && value is JsonValue word && word.GetValueKind() == JsonValueKind.String)
        {
            return "use true or false without quotes";
        }
        return null;
    }

    private bool CheckConstants(JsonNode? value, JsonObject schema, string path)
    {
        if (schema["const"] is { } constant && !JsonNode.DeepEquals(constant, value))
        {
            Report(path, $"must be {JsonDescriptions.Render(constant)}, got {JsonDescriptions.Render(value)}", schema["x-hint"]?.GetValue<string>());
            return false;
        }
        if (schema["enum"] is JsonArray choices && !choices.Any(choice => JsonNode.DeepEquals(choice, value)))
        {
            var plain = choices.Select(choice => choice?.ToString() ?? "null").ToList();
            var close = value is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? KeySuggestions.Closest(v.GetValue<string>(), plain)
                : null;
            Report(path,
                $"{JsonDescriptions.Render(value)} is not one of the allowed values: {string.Join(", ", plain)}",
                close is null ? null : $"did you mean \"{close}\"?");
            return false;
        }
        return true;
    }

    private void CheckString(string text, JsonObject schema, string path)
    {
        var hint = schema["x-hint"]?.GetValue<string>();
        var shown = IsSensitive(schema) ? "the value" : JsonDescriptions.Quote(text);
        if (schema["minLength"] is JsonValue min && text.Length < min.GetValue<int>())
        {
            Report(path, text.Length == 0 ? "must not be empty" : $"is too short: {text.Length} characters, at least {min} needed", hint);
        }
        if (schema["maxLength"] is JsonValue max && text.Length > max.GetValue<int>())
        {
            Report(path, $"is too long: {text.Length} characters, at most {max} allowed", hint);
        }
        if (schema["pattern"] is JsonValue pattern && !Regex.IsMatch(text, pattern.GetValue<string>()))
        {
            Report(path, $"{shown} does not have the expected form", hint ?? $"the value must match {pattern}");
        }
        if (schema["format"] is JsonValue format)
        {
            CheckFormat(text, shown, format.GetValue<string>(), hint, path);
        }
    }

    private bool IsSensitive(JsonObject schema) =>
        schema["x-sensitive"] is JsonValue flag ? flag.GetValue<bool>() : _schema.Resolve(schema)["x-sensitive"] is JsonValue resolved && resolved.GetValue<bool>();

    private void CheckFormat(string text, string quoted, string format, string? hint, string path)
    {
        switch (format)
        {
            case "duration" when !GoDuration.TryParse(text, out _):
                Report(path, $"{quoted} is not a valid duration", "use Go duration syntax such as 500ms, 15m, 1h5m or 2h45m30s");
                break;
            case "http-url" when !ValueFormats.IsHttpUrl(text):
                Report(path, $"{quoted} is not a valid http or https URL",
                    hint ?? "use a full URL such as http://127.0.0.1:4433/");
                break;
            case "uri" when !ValueFormats.IsAbsoluteUri(text):
                Report(path, $"{quoted} is not a valid URL",
                    hint ?? "use an absolute URL that starts with a scheme, such as https://example.com/");
                break;
            case "email" when !System.Net.Mail.MailAddress.TryCreate(text, out _):
                Report(path, $"{quoted} is not a valid email address", hint);
                break;
            case "byte-size" when !ValueFormats.IsByteSize(text):
                Report(path, $"{quoted} is not a valid size", "use a number with a unit such as 128MB or 1GB");
                break;
        }
    }

    private void CheckNumber(JsonValue value, JsonObject schema, string path)
    {
        var number = JsonDescriptions.ToDouble(value);
        var min = schema["minimum"]?.GetValue<double>();
        var max = schema["maximum"]?.GetValue<double>();
        if ((min is null || number >= min) && (max is null || number <= max)) return;

        var range = (min, max) switch
        {
            ({ } low, { } high) => $"it must be between {low} and {high}",
            ({ } low, null) => $"it must be at least {low}",
            (null, { } high) => $"it must be at most {high}",
            _ => "",
        };
        Report(path, $"{value.ToJsonString()} is out of range; {range}", schema["x-hint"]?.GetValue<string>());
    }

    private void CheckArray(JsonArray array, JsonObject schema, string path)
    {
        if (schema["minItems"] is JsonValue min && array.Count < min.GetValue<int>())
        {
            Report(path, array.Count == 0 ? "must not be an empty list" : $"needs at least {min} entries");
        }
        if (schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++) Check(array[i], items, KeyPath.Item(path, i));
        }
    }

    private void CheckObject(JsonObject obj, JsonObject schema, string path)
    {
        var properties = schema["properties"] as JsonObject;
        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(item => item!.GetValue<string>()))
            {
                if (obj.ContainsKey(name)) continue;
                var childSchema = properties?[name] as JsonObject;
                var hint = childSchema?["x-missing-hint"]?.GetValue<string>()
                    ?? (path.Length == 0 ? $"add {name}: at the top level" : $"add {name}: under {path}");
                Report(KeyPath.Child(path, name), "required key is missing", hint);
            }
        }

        foreach (var (name, child) in obj)
        {
            var childPath = KeyPath.Child(path, name);
            if (properties?[name] is JsonObject childSchema)
            {
                Check(child, childSchema, childPath);
                continue;
            }
            switch (schema["additionalProperties"])
            {
                case JsonObject extraSchema:
                    Check(child, extraSchema, childPath);
                    break;
                case JsonValue allowed when !allowed.GetValue<bool>():
                    ReportUnknownKey(name, schema, path);
                    break;
            }
        }
    }

    private void ReportUnknownKey(string name, JsonObject schema, string parentPath)
    {
        var path = KeyPath.Child(parentPath, name);
        var siblings = _schema.AllProperties(schema);

        if (schema["x-member-noun"] is JsonValue noun)
        {
            var owner = siblings.FirstOrDefault(pair => _schema.AllProperties(pair.Value).Any(inner => inner.Key == name));
            if (owner.Key is not null)
            {
                var what = name is "after" or "before" ? $"{name}-hooks belong" : $"{name} belongs";
                Report(path, $"\"{name}\" is not a {noun}", $"{what} inside a {noun}, e.g. {KeyPath.Child(KeyPath.Child(parentPath, owner.Key), name)}");
                return;
            }
        }

        if (name.Contains('.') && _schema.KnownPaths.ContainsKey(KeyPath.Child(Generalize(parentPath), name)))
        {
            Report(path, $"unknown key \"{name}\"", $"nest the parts instead of joining them with dots: {string.Join(" then ", name.Split('.').Select(part => part + ":"))}");
            return;
        }

        var close = KeySuggestions.Closest(name, siblings.Select(pair => pair.Key));
        if (close is not null)
        {
            Report(path, $"unknown key \"{name}\"", $"did you mean \"{close}\"?");
            return;
        }

        var homes = PlacesFor(name, parentPath);
        if (homes.Count > 0)
        {
            Report(path, $"unknown key \"{name}\" here", $"{name} belongs under {string.Join(" or ", homes)}");
            return;
        }

        var names = siblings.Select(pair => pair.Key).ToList();
        Report(path, $"unknown key \"{name}\"",
            names.Count is > 0 and <= 12 ? "allowed keys here: " + string.Join(", ", names) : null);
    }

    // Where else in the schema a key with this name exists, preferring places below the current one
    // and then places that share the longest start with it.
    private List<string> PlacesFor(string name, string parentPath)
    {
        var parent = Generalize(parentPath);
        var candidates = _schema.KnownPaths.Keys
            .Where(known => known == name || known.EndsWith("." + name, StringComparison.Ordinal))
            .Select(KeyPath.Parent)
            .Where(home => home != parent)
            .ToList();

        var below = candidates.Where(home => KeyPath.IsSameOrUnder(home, parent) && parent.Length > 0).ToList();
        if (below.Count > 0)
        {
            var shallowest = below.Min(Depth);
            return below.Where(home => Depth(home) == shallowest).Take(3).ToList();
        }

        var ranked = candidates
            .Select(home => (home, shared: SharedSegments(home, parent)))
            .Where(entry => entry.shared > 0)
            .ToList();
        // Nothing nearby: still worth naming the places when there are only a few.
        if (ranked.Count == 0) return candidates.Count <= 3 ? candidates : [];
        var best = ranked.Max(entry => entry.shared);
        return ranked.Where(entry => entry.shared == best).Select(entry => entry.home).Take(3).ToList();
    }

    // Known paths write list items as [], e.g. identity.schemas[].url.
    private static string Generalize(string path) => Regex.Replace(path, @"\[\d+\]", "[]");

    private static int Depth(string path) => path.Count(c => c is '.' or '[');

    private static int SharedSegments(string a, string b)
    {
        var left = a.Split('.');
        var right = b.Split('.');
        var count = 0;
        while (count < left.Length && count < right.Length && left[count] == right[count] && right[count].Length > 0) count++;
        return count;
    }

    private static string LastSegment(string path)
    {
        var cut = path.LastIndexOf('.');
        return cut < 0 ? path : path[(cut + 1)..];
    }
}
