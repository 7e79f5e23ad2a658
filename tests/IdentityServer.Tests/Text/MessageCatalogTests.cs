using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Text;

namespace IdentityServer.Tests.Text;

public class MessageCatalogTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, long, string, string, string> Catalog => new()
    {
        // name, expected id, type, text, context JSON ("" for none)
        { "Login", 1010001, "info", "Sign in", "" },
        { "LoginWith", 1010002, "info", "Sign in with GitHub", """{"provider":"GitHub","provider_id":"github"}""" },
        { "LoginReAuth", 1010003, "info", "Please confirm this action by verifying that it is you.", "" },
        { "LoginMfa", 1010004, "info", "Please complete the second authentication challenge.", "" },
        { "LoginVerify", 1010005, "info", "Verify", "" },
        { "LoginTotpLabel", 1010006, "info", "Authentication code", "" },
        { "LoginLookupLabel", 1010007, "info", "Backup recovery code", "" },
        { "LoginWebAuthn", 1010008, "info", "Sign in with a hardware key", "" },
        { "LoginTotp", 1010009, "info", "Use Authenticator", "" },
        { "LoginLookup", 1010010, "info", "Use backup recovery code", "" },
        { "LoginContinue", 1010013, "info", "Continue", "" },
        { "LoginCode", 1010015, "info", "Send sign in code", "" },
        { "LoginAndLink", 1010017, "info", "Sign in and link", "" },
        { "LoginWithAndLink", 1010018, "info", "Confirm with GitHub", """{"provider":"GitHub"}""" },
        { "LoginCodeMfa", 1010019, "info", "Request code to continue", "" },
        { "LoginPasskey", 1010021, "info", "Sign in with passkey", "" },
        { "LoginPassword", 1010022, "info", "Sign in with password", "" },
        { "LoginAal2CodeAddress", 1010023, "info", "Send code to a@example.com", """{"address":"a@example.com","channel":"email"}""" },
        { "Registration", 1040001, "info", "Sign up", "" },
        { "RegistrationWith", 1040002, "info", "Sign up with GitHub", """{"provider":"GitHub","provider_id":"github"}""" },
        { "RegistrationRegisterWebAuthn", 1040004, "info", "Sign up with security key", "" },
        { "RegistrationRegisterCode", 1040006, "info", "Send sign up code", "" },
        { "RegistrationRegisterPasskey", 1040007, "info", "Sign up with passkey", "" },
        { "RegistrationBack", 1040008, "info", "Back", "" },
        { "SettingsUpdateSuccess", 1050001, "success", "Your changes have been saved!", "" },
        { "SettingsLinkOidc", 1050002, "info", "Link GitHub", """{"provider":"GitHub"}""" },
        { "SettingsUnlinkOidc", 1050003, "info", "Unlink GitHub", """{"provider":"GitHub"}""" },
        { "SettingsUnlinkTotp", 1050004, "info", "Unlink TOTP Authenticator App", "" },
        { "SettingsTotpSecret", 1050006, "info", "JBSWY3DP", """{"secret":"JBSWY3DP"}""" },
        { "SettingsRegisterWebAuthn", 1050012, "info", "Add security key", "" },
        { "SettingsRegisterPasskey", 1050019, "info", "Add passkey", "" },
        { "RecoveryEmailWithCodeSent", 1060003, "info", "An email containing a recovery code has been sent to the email address you provided. If you have not received an email, check the spelling of the address and make sure to use the address you registered with.", "" },
        { "RecoveryAskToChooseAddress", 1060006, "info", "How do you want to recover your account?", "" },
        { "NodeLabelPassword", 1070001, "info", "Password", "" },
        { "NodeLabelGenerated", 1070002, "info", "E-Mail", """{"title":"E-Mail","name":"traits.email"}""" },
        { "NodeLabelSave", 1070003, "info", "Save", "" },
        { "NodeLabelId", 1070004, "info", "ID", "" },
        { "NodeLabelSubmit", 1070005, "info", "Submit", "" },
        { "NodeLabelVerifyOtp", 1070006, "info", "Verify code", "" },
        { "NodeLabelEmail", 1070007, "info", "Email", "" },
        { "NodeLabelResendOtp", 1070008, "info", "Resend code", "" },
        { "NodeLabelContinue", 1070009, "info", "Continue", "" },
        { "NodeLabelRecoveryCode", 1070010, "info", "Recovery code", "" },
        { "NodeLabelVerificationCode", 1070011, "info", "Verification code", "" },
        { "NodeLabelCaptcha", 1070015, "info", "Please complete the captcha challenge to continue.", "" },
        { "NodeLabelRecoveryAddress", 1070016, "info", "Recovery address", "" },
        { "NodeLabelPhoneNumber", 1070017, "info", "Phone number", "" },
        { "NodeLabelEmailOrPhone", 1070018, "info", "Email or phone number", "" },
        { "VerificationSuccessful", 1080002, "success", "You successfully verified your email address.", "" },
        { "VerificationPhoneSuccessful", 1080005, "success", "You successfully verified your phone number.", "" },
        { "ValidationGeneric", 4000001, "error", "something broke", """{"reason":"something broke"}""" },
        { "ValidationRequired", 4000002, "error", "Property email is missing.", """{"property":"email"}""" },
        { "ValidationMinLength", 4000003, "error", "length must be >= 8, but got 3", """{"min_length":8,"actual_length":3}""" },
        { "InvalidFormat", 4000004, "error", "does not match pattern \"^[a-z]+$\"", """{"pattern":"^[a-z]+$"}""" },
        { "PasswordPolicyViolation", 4000005, "error", "The password can not be used because it is too short.", """{"reason":"it is too short"}""" },
        { "InvalidCredentials", 4000006, "error", "The provided credentials are invalid, check for spelling mistakes in your password or username, email address, or phone number.", "" },
        { "DuplicateCredentials", 4000007, "error", "An account with the same identifier (email, phone, username, ...) exists already.", "" },
        { "TotpVerifierWrong", 4000008, "error", "The provided authentication code is invalid, please try again.", "" },
        { "AddressNotVerified", 4000010, "error", "Account not active yet. Did you forget to verify your email address?", "" },
        { "ValidationMaxLength", 4000017, "error", "length must be <= 8, but got 3", """{"max_length":8,"actual_length":3}""" },
        { "ValidationMinimum", 4000018, "error", "must be >= 1.5 but found 1", """{"minimum":1.5,"actual":1}""" },
        { "ValidationWrongType", 4000026, "error", "expected string or number, but got boolean", """{"allowed_types":["string","number"],"actual_type":"boolean"}""" },
        { "ValidationConst", 4000029, "error", "must be equal to constant \"x\"", """{"expected":"\"x\""}""" },
        { "PasswordMinLength", 4000032, "error", "The password must be at least 8 characters long, but got 3.", """{"min_length":8,"actual_length":3}""" },
        { "NoCodeUser", 4000035, "error", "This account does not exist or has not setup sign in with code.", "" },
        { "AccountNotFound", 4000037, "error", "This account does not exist or has no login method configured.", "" },
        { "ValidationEmail", 4000040, "error", "Enter a valid email address", """{"value":"nope"}""" },
        { "ValidationPhone", 4000041, "error", "Enter a valid phone number", """{"value":"nope"}""" },
        { "MissingOrInvalidMethod", 4010002, "error", "Could not find a strategy to log you in with. Did you fill out the form correctly?", "" },
        { "LoginCodeInvalidOrAlreadyUsed", 4010008, "error", "The login code is invalid or has already been used. Please try again.", "" },
        { "IdentityDisabled", 4010011, "error", "This account has been disabled. Please contact support for assistance.", "" },
        { "RegistrationCodeInvalidOrAlreadyUsed", 4040003, "error", "The registration code is invalid or has already been used. Please try again.", "" },
        { "SettingsTooManyAddressChanges", 4050002, "error", "You can only change one address at a time. Please update each address separately.", "" },
        { "RecoveryTokenInvalidOrAlreadyUsed", 4060004, "error", "The recovery token is invalid or has already been used. Please retry the flow.", "" },
        { "VerificationCodeInvalidOrAlreadyUsed", 4070006, "error", "The verification code is invalid or has already been used. Please try again.", "" },
        { "SystemGeneric", 5000001, "error", "boom", """{"reason":"boom"}""" },
        { "SystemNoAuthenticationMethodsAvailable", 5000002, "error", "No authentication methods are available. Please contact the system administrator.", "" },
    };

    [Theory]
    [MemberData(nameof(Catalog))]
    public void Message_has_catalog_id_type_text_and_context(string name, long id, string type, string text, string context)
    {
        var message = Create(name);

        Assert.Equal(id, message.Id);
        Assert.Equal(type, message.Type);
        Assert.Equal(text, message.Text);
        if (context.Length == 0)
        {
            Assert.Null(message.Context);
        }
        else
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(context), message.Context),
                $"context was {message.Context?.ToJsonString()}");
        }
    }

    private static UiText Create(string name) => name switch
    {
        "LoginWith" => Messages.LoginWith("GitHub", "github"),
        "LoginWithAndLink" => Messages.LoginWithAndLink("GitHub"),
        "LoginAal2CodeAddress" => Messages.LoginAal2CodeAddress("email", "a@example.com"),
        "RegistrationWith" => Messages.RegistrationWith("GitHub", "github"),
        "SettingsLinkOidc" => Messages.SettingsLinkOidc("GitHub"),
        "SettingsUnlinkOidc" => Messages.SettingsUnlinkOidc("GitHub"),
        "SettingsTotpSecret" => Messages.SettingsTotpSecret("JBSWY3DP"),
        "NodeLabelGenerated" => Messages.NodeLabelGenerated("E-Mail", "traits.email"),
        "ValidationGeneric" => Messages.ValidationGeneric("something broke"),
        "ValidationRequired" => Messages.ValidationRequired("email"),
        "ValidationMinLength" => Messages.ValidationMinLength(8, 3),
        "ValidationMaxLength" => Messages.ValidationMaxLength(8, 3),
        "InvalidFormat" => Messages.InvalidFormat("^[a-z]+$"),
        "PasswordPolicyViolation" => Messages.PasswordPolicyViolation("it is too short"),
        "ValidationMinimum" => Messages.ValidationMinimum(1.5, 1),
        "ValidationWrongType" => Messages.ValidationWrongType(["string", "number"], "boolean"),
        "ValidationConst" => Messages.ValidationConst("\"x\""),
        "PasswordMinLength" => Messages.PasswordMinLength(8, 3),
        "ValidationEmail" => Messages.ValidationEmail("nope"),
        "ValidationPhone" => Messages.ValidationPhone("nope"),
        "SystemGeneric" => Messages.SystemGeneric("boom"),
        _ => (UiText)typeof(Messages).GetMethod(name, BindingFlags.Public | BindingFlags.Static, Type.EmptyTypes)!.Invoke(null, null)!,
    };

    [Fact]
    public void Serializes_with_the_public_field_names_and_omits_missing_context()
    {
        Assert.Equal("""{"id":4000002,"text":"Property email is missing.","type":"error","context":{"property":"email"}}""",
            JsonSerializer.Serialize(Messages.ValidationRequired("email")));
        Assert.Equal("""{"id":1070003,"text":"Save","type":"info"}""", JsonSerializer.Serialize(Messages.NodeLabelSave()));
    }

    [Fact]
    public void Round_trips_through_json()
    {
        var original = Messages.LoginWith("Google", "google");
        var copy = JsonSerializer.Deserialize<UiText>(JsonSerializer.Serialize(original))!;
        Assert.Equal(original.Id, copy.Id);
        Assert.Equal(original.Text, copy.Text);
        Assert.True(JsonNode.DeepEquals(original.Context, copy.Context));
    }

    [Fact]
    public void Flow_expired_messages_report_minutes_and_timestamps()
    {
        var expiredAt = Now.AddSeconds(-90);
        var message = Messages.LoginFlowExpired(expiredAt, Now);

        Assert.Equal(4010001, message.Id);
        Assert.Equal("The login flow expired 1.50 minutes ago, please try again.", message.Text);
        Assert.Equal("2024-05-01T11:58:30Z", message.Context!["expired_at"]!.GetValue<string>());
        Assert.Equal(expiredAt.ToUnixTimeSeconds(), message.Context!["expired_at_unix"]!.GetValue<long>());

        Assert.Equal("The registration flow expired 1.50 minutes ago, please try again.", Messages.RegistrationFlowExpired(expiredAt, Now).Text);
        Assert.Equal(4040001, Messages.RegistrationFlowExpired(expiredAt, Now).Id);
        Assert.Equal(4050001, Messages.SettingsFlowExpired(expiredAt, Now).Id);
        Assert.Equal(4060005, Messages.RecoveryFlowExpired(expiredAt, Now).Id);
        Assert.Equal(4070005, Messages.VerificationFlowExpired(expiredAt, Now).Id);
    }

    [Fact]
    public void Recovery_success_tells_the_remaining_privileged_minutes()
    {
        var message = Messages.RecoverySuccessful(Now.AddMinutes(15), Now);
        Assert.Equal(1060001, message.Id);
        Assert.Equal(UiTextTypes.Success, message.Type);
        Assert.Contains("within the next 15.00 minutes.", message.Text);
        Assert.Equal("2024-05-01T12:15:00Z", message.Context!["privileged_session_expires_at"]!.GetValue<string>());
        Assert.Equal("2024-05-01T12:15:00Z", message.Context!["privilegedSessionExpiresAt"]!.GetValue<string>());
    }

    [Fact]
    public void Duplicate_credentials_hint_lists_methods_and_providers()
    {
        var message = Messages.DuplicateCredentialsWithHints(["password", "webauthn", "oidc"], ["github", "google"], "foo@example.com");
        Assert.Equal(4000028, message.Id);
        Assert.Equal(
            "You tried signing in with foo@example.com which is already in use by another account. You can sign in using your password, your passkey or a security key, or social sign in. You can sign in using one of the following social sign in providers: Github, Google.",
            message.Text);
        Assert.Equal("foo@example.com", message.Context!["credential_identifier_hint"]!.GetValue<string>());

        var bare = Messages.DuplicateCredentialsWithHints([], [], "");
        Assert.Equal("You tried signing in with an email, phone, or username which is already in use by another account.", bare.Text);
    }

    [Fact]
    public void Login_link_quotes_identifier_and_provider()
    {
        var message = Messages.LoginLink("a@example.com", "github", "https://example.com/login", ["password"], ["github"]);
        Assert.Equal(1010016, message.Id);
        Assert.StartsWith("You tried to sign in with \"a@example.com\", but that email is already used by another account.", message.Text);
        Assert.EndsWith("to add your account \"a@example.com\" at \"github\" as another way to sign in.", message.Text);
        Assert.Equal("https://example.com/login", message.Context!["new_login_url"]!.GetValue<string>());
    }

    [Fact]
    public void Lookup_secret_used_formats_time_readably()
    {
        var message = Messages.SettingsLookupSecretUsed(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero));
        Assert.Equal("Secret was used at 2024-01-02 03:04:05 +0000 UTC", message.Text);
        Assert.Equal(1050014, message.Id);
    }

    [Fact]
    public void Number_formatting_matches_the_catalog_texts()
    {
        Assert.Equal("must be > 3 but found 3", Messages.ValidationExclusiveMinimum(3, 3).Text);
        Assert.Equal("2.5 not multipleOf 0.5", Messages.ValidationMultipleOf(0.5, 2.5).Text);
        Assert.Equal("must be <= 1e+21 but found 1e+22", Messages.ValidationMaximum(1e21, 1e22).Text);
    }

    [Fact]
    public void Every_id_is_unique()
    {
        var ids = AllIds();
        Assert.Equal(ids.Count, ids.Values.Distinct().Count());
    }

    /// <summary>Section roots and ids that only exist as reserved numbers have no message.</summary>
    private static readonly HashSet<long> Reserved =
    [
        MessageIds.LoginRoot, MessageIds.Logout, MessageIds.Mfa, MessageIds.RegistrationRoot, MessageIds.Settings,
        MessageIds.Recovery, MessageIds.Verification, MessageIds.Validation, MessageIds.ValidationLogin,
        MessageIds.ValidationRegistration, MessageIds.ValidationSettings, MessageIds.ValidationRecovery,
        MessageIds.ValidationVerification, MessageIds.System, MessageIds.LoginCodeMfaHint,
        MessageIds.SettingsRemoveDeviceAuthnKey, MessageIds.SettingsDeviceAuthnNonce,
        MessageIds.RecoveryMissingRecoveryToken, MessageIds.VerificationMissingVerificationToken,
    ];

    [Fact]
    public void Every_message_id_has_a_factory()
    {
        var produced = new HashSet<long>();
        foreach (var method in typeof(Messages).GetMethods(BindingFlags.Public | BindingFlags.Static)
                     .Where(m => m.ReturnType == typeof(UiText)))
        {
            var args = method.GetParameters().Select(p => SampleArgument(p.ParameterType)).ToArray();
            var message = (UiText)method.Invoke(null, args)!;
            Assert.Contains(message.Type, new[] { UiTextTypes.Info, UiTextTypes.Error, UiTextTypes.Success });
            Assert.False(string.IsNullOrEmpty(message.Text), method.Name);
            produced.Add(message.Id);
        }

        var missing = AllIds().Where(kv => !Reserved.Contains(kv.Value) && !produced.Contains(kv.Value)).Select(kv => kv.Key).ToList();
        Assert.Empty(missing);
        Assert.All(produced, id => Assert.Contains(id, AllIds().Values));
    }

    [Fact]
    public void Info_ids_are_info_and_error_ids_are_errors()
    {
        foreach (var method in typeof(Messages).GetMethods(BindingFlags.Public | BindingFlags.Static)
                     .Where(m => m.ReturnType == typeof(UiText)))
        {
            var message = (UiText)method.Invoke(null, method.GetParameters().Select(p => SampleArgument(p.ParameterType)).ToArray())!;
            var expected = message.Id >= 4000000 ? new[] { UiTextTypes.Error } : new[] { UiTextTypes.Info, UiTextTypes.Success };
            Assert.Contains(message.Type, expected);
        }
    }

    private static object? SampleArgument(Type type) =>
        type == typeof(string) ? "sample"
        : type == typeof(int) ? 3
        : type == typeof(long) ? 3L
        : type == typeof(double) ? 1.5
        : type == typeof(DateTimeOffset) ? Now
        : type == typeof(IReadOnlyList<string>) ? new[] { "password" }
        : type == typeof(JsonNode) ? new JsonArray("a", "b")
        : throw new InvalidOperationException("no sample for " + type);

    private static Dictionary<string, long> AllIds() =>
        typeof(MessageIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(long))
            .ToDictionary(f => f.Name, f => (long)f.GetRawConstantValue()!);
}
