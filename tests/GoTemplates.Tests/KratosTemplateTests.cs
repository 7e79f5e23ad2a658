using System.Text.Json;
using System.Text.Json.Nodes;
using GoTemplates.Sprig;

namespace GoTemplates.Tests;

/// <summary>Kratos-style courier templates (Templates/&lt;type&gt;/&lt;valid|invalid&gt;/...) rendered with the data Kratos passes.</summary>
public sealed class KratosTemplateTests
{
    // The shapes of Kratos's courier template models.
    public sealed record VerificationValid(string To, string VerificationURL, object Identity, string RequestURL, object? TransientPayload);
    public sealed record VerificationCodeValid(string To, string VerificationURL, string VerificationCode, object Identity, string RequestURL, object? TransientPayload);
    public sealed record RecoveryValid(string To, string RecoveryURL, object Identity, string RequestURL, object? TransientPayload);
    public sealed record RecoveryCodeValid(string To, string RecoveryCode, object Identity, string RequestURL, object? TransientPayload);
    public sealed record LoginCodeValid(string To, string LoginCode, object Identity, string RequestURL, object? TransientPayload);
    public sealed record RegistrationCodeValid(string To, object Traits, string RegistrationCode, string RequestURL, object? TransientPayload);
    public sealed record Invalid(string To, string RequestURL, object? TransientPayload);

    private const string IdentityJson = """
        {
          "id": "9f4b2c1e-7a55-4a9e-8f3e-2b1d1c0a9e11",
          "schema_id": "default",
          "state": "active",
          "traits": {"email": "ada@example.com", "name": {"first": "Ada", "last": "Lovelace"}, "language": "en"},
          "verifiable_addresses": [{"value": "ada@example.com", "verified": false, "via": "email", "status": "sent"}],
          "metadata_public": null
        }
        """;

    private static JsonNode Identity(string language = "en", string first = "Ada")
    {
        var node = JsonNode.Parse(IdentityJson)!;
        node["traits"]!["language"] = language;
        node["traits"]!["name"]!["first"] = first;
        return node;
    }

    private static string TemplatesRoot => Path.Combine(AppContext.BaseDirectory, "Templates");

    private static string Render(string type, string file, object data)
    {
        var path = Path.Combine(TemplatesRoot, type, file);
        var mode = Path.GetFileName(file) == "email.body.gotmpl" ? TemplateMode.Html : TemplateMode.Text;
        var template = GoTemplate.Parse(Path.GetFileName(path), File.ReadAllText(path), mode, SprigFunctions.Hermetic);
        var output = template.Execute(data);
        Assert.DoesNotContain("<no value>", output);
        return output;
    }

    public static IEnumerable<object[]> AllTemplateFiles() =>
        Directory.EnumerateFiles(TemplatesRoot, "*.gotmpl", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(TemplatesRoot, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(f => new object[] { f });

    private static object ModelFor(string type, bool valid)
    {
        const string requestUrl = "https://auth.example.com/self-service/verification/browser";
        var payload = new Dictionary<string, object?> { ["campaign"] = "spring" };
        if (!valid) return new Invalid("ada@example.com", requestUrl, payload);
        return type switch
        {
            "verification" => new VerificationValid("ada@example.com", "https://auth.example.com/self-service/verification?flow=f1&token=t0k3n", Identity(), requestUrl, payload),
            "verification_code" => new VerificationCodeValid("ada@example.com", "https://auth.example.com/self-service/verification?flow=f1&code=482913", "482913", Identity(), requestUrl, payload),
            "recovery" => new RecoveryValid("ada@example.com", "https://auth.example.com/self-service/recovery?flow=r1&token=t0k3n", Identity(), requestUrl, payload),
            "recovery_code" => new RecoveryCodeValid("ada@example.com", "739201", Identity(), requestUrl, payload),
            "login_code" => new LoginCodeValid("ada@example.com", "105672", Identity(), requestUrl, payload),
            "registration_code" => new RegistrationCodeValid("ada@example.com", Identity()["traits"]!, "556677", requestUrl, payload),
            _ => throw new ArgumentException(type),
        };
    }

    [Fact]
    public void Every_courier_template_type_is_present()
    {
        var files = AllTemplateFiles().Select(f => (string)f[0]).ToHashSet();
        foreach (var type in new[] { "verification/valid", "verification/invalid", "verification_code/valid", "verification_code/invalid",
                     "recovery/valid", "recovery/invalid", "recovery_code/valid", "recovery_code/invalid", "login_code/valid", "registration_code/valid" })
        {
            foreach (var file in new[] { "email.subject.gotmpl", "email.body.gotmpl", "email.body.plaintext.gotmpl" })
                Assert.Contains($"{type}/{file}", files);
        }
        Assert.Contains("verification_code/valid/sms.body.gotmpl", files);
        Assert.Contains("login_code/valid/sms.body.gotmpl", files);
        Assert.Contains("registration_code/valid/sms.body.gotmpl", files);
    }

    [Theory]
    [MemberData(nameof(AllTemplateFiles))]
    public void Template_renders_with_realistic_data(string relative)
    {
        var parts = relative.Split('/');
        var model = ModelFor(parts[0], parts[1] == "valid");
        var output = Render(parts[0], $"{parts[1]}/{parts[2]}", model);
        Assert.False(string.IsNullOrWhiteSpace(output));
        if (parts[1] == "invalid" && parts[2] != "email.subject.gotmpl") Assert.Contains("ada@example.com", output);
        if (parts[1] == "valid" && parts[2].Contains("body")) Assert.Matches("Ada|482913|105672|556677|739201", output);
    }

    [Fact]
    public void Verification_email_shows_code_link_and_payload()
    {
        var model = ModelFor("verification_code", true);
        var html = Render("verification_code", "valid/email.body.gotmpl", model);
        Assert.Contains("<b>482913</b>", html);
        Assert.Contains("<a href=\"https://auth.example.com/self-service/verification?flow=f1&amp;code=482913\">verify ada@example.com</a>", html);
        Assert.Contains("ref: spring", html);
        var text = Render("verification_code", "valid/email.body.plaintext.gotmpl", model);
        Assert.Equal("Hi Ada,\n\nplease verify your account by entering the following code:\n\n482913\n\nor clicking the following link:\n\nhttps://auth.example.com/self-service/verification?flow=f1&code=482913\n", text);
        Assert.Equal("Your verification code is: 482913\n", Render("verification_code", "valid/sms.body.gotmpl", model));
    }

    [Fact]
    public void Subject_follows_the_identity_language()
    {
        var de = new VerificationCodeValid("ada@example.com", "https://x", "1", Identity("de"), "https://x", null);
        var en = new VerificationCodeValid("ada@example.com", "https://x", "1", Identity("en"), "https://x", null);
        Assert.Equal("Dein Bestätigungscode", Render("verification_code", "valid/email.subject.gotmpl", de));
        Assert.Equal("Your verification code", Render("verification_code", "valid/email.subject.gotmpl", en));
        Assert.Equal("Bitte bestätige deine E-Mail-Adresse\n", Render("verification", "valid/email.subject.gotmpl", new VerificationValid("a", "u", Identity("de"), "r", null)));
    }

    [Fact]
    public void Html_body_escapes_hostile_traits()
    {
        var model = new VerificationValid("ada@example.com", "javascript:alert(1)", Identity(first: "<script>x</script>"), "r", null);
        var html = Render("verification", "valid/email.body.gotmpl", model);
        Assert.Contains("Hi &lt;script&gt;x&lt;/script&gt;,", html);
        Assert.Contains("href=\"#ZgotmplZ\"", html);
        Assert.DoesNotContain("<script>", html);
    }

    [Fact]
    public void Missing_name_falls_back_to_default()
    {
        var identity = JsonNode.Parse("""{"traits":{"email":"x@example.com"}}""")!;
        var model = new LoginCodeValid("x@example.com", "123", identity, "r", null);
        Assert.StartsWith("Hi x@example.com,", Render("login_code", "valid/email.body.plaintext.gotmpl", model));
    }

    [Fact]
    public void Data_may_be_a_json_element_or_a_dictionary()
    {
        var json = JsonSerializer.SerializeToElement(new { To = "a@example.com", LoginCode = "999", Identity = new { traits = new { name = new { first = "Bo" } } } });
        Assert.Contains("999", Render("login_code", "valid/sms.body.gotmpl", json));
        var dict = new Dictionary<string, object?> { ["To"] = "a@example.com", ["LoginCode"] = "998", ["Identity"] = new Dictionary<string, object?>() };
        Assert.Contains("Hi a@example.com", Render("login_code", "valid/email.body.plaintext.gotmpl", dict));
    }
}

/// <summary>Template shapes taken from how Kratos's own test templates use the language (behaviour only).</summary>
public sealed class KratosStyleFeatureTests
{
    [Fact]
    public void Variables_may_be_declared_again_in_the_same_scope()
    {
        const string text = "{{ $t1 := title .input }}\n{{ $t1 := nospace $t1 }}\n{{ $t2 := upper $t1 }}\n{{ $t3 := cat $t1 \",\" $t2 }}\n{{ nospace $t3 }}\n";
        var t = GoTemplate.Parse("email.body.sprig.gotmpl", text, TemplateMode.Text, SprigFunctions.Hermetic);
        Assert.Equal("\n\n\n\nHelloWorld,HELLOWORLD\n", t.Execute(new Dictionary<string, object?> { ["input"] = "hello world" }));
    }

    [Fact]
    public void Several_files_form_one_set_like_parse_glob()
    {
        var files = new Dictionary<string, string>
        {
            ["email.body.html.gotmpl"] = "{{ template \"base\" . }}",
            ["email.body.html.nested.gotmpl"] =
                "{{define \"en_US\"}}\n{{ $l := cat \"lang=\" .lang }}\n{{ nospace $l }}\n{{end}}\n\n{{define \"base\"}}\n{{- if eq .lang \"en_US\" -}}\n{{ template \"en_US\" . }}\n{{- end -}}\n{{end}}\n",
        };
        var t = GoTemplate.ParseFiles("email.body.html.gotmpl", files, TemplateMode.Html, SprigFunctions.Hermetic);
        Assert.Equal("\n\nlang=en_US\n", t.Execute(new Dictionary<string, object?> { ["lang"] = "en_US" }));
        Assert.Equal("", t.Execute(new Dictionary<string, object?> { ["lang"] = "de" }));
        Assert.Contains("email.body.html.nested.gotmpl", t.TemplateNames);
    }
}
