using System.Text.Json.Nodes;

namespace IdentityServer.Text;

public static partial class Messages
{
    /// <summary>1070000: a label with free text, e.g. a masked address to choose from.</summary>
    public static UiText NodeLabel(string text) => Info(MessageIds.NodeLabel, text);

    public static UiText NodeLabelPassword() => Info(MessageIds.NodeLabelInputPassword, "Password");

    /// <summary>1070002: a label taken from a schema title; <paramref name="name"/> is the field name.</summary>
    public static UiText NodeLabelGenerated(string title, string name) =>
        Info(MessageIds.NodeLabelGenerated, title, new JsonObject { ["title"] = title, ["name"] = name });

    public static UiText NodeLabelSave() => Info(MessageIds.NodeLabelSave, "Save");

    public static UiText NodeLabelId() => Info(MessageIds.NodeLabelId, "ID");

    public static UiText NodeLabelSubmit() => Info(MessageIds.NodeLabelSubmit, "Submit");

    public static UiText NodeLabelVerifyOtp() => Info(MessageIds.NodeLabelVerifyOtp, "Verify code");

    public static UiText NodeLabelEmail() => Info(MessageIds.NodeLabelEmail, "Email");

    public static UiText NodeLabelResendOtp() => Info(MessageIds.NodeLabelResendOtp, "Resend code");

    public static UiText NodeLabelContinue() => Info(MessageIds.NodeLabelContinue, "Continue");

    public static UiText NodeLabelRecoveryCode() => Info(MessageIds.NodeLabelRecoveryCode, "Recovery code");

    public static UiText NodeLabelVerificationCode() => Info(MessageIds.NodeLabelVerificationCode, "Verification code");

    public static UiText NodeLabelRegistrationCode() => Info(MessageIds.NodeLabelRegistrationCode, "Registration code");

    public static UiText NodeLabelLoginCode() => Info(MessageIds.NodeLabelLoginCode, "Login code");

    public static UiText NodeLabelLoginAndLinkCredential() =>
        Info(MessageIds.NodeLabelLoginAndLinkCredential, "Login and link credential");

    public static UiText NodeLabelCaptcha() =>
        Info(MessageIds.NodeLabelCaptcha, "Please complete the captcha challenge to continue.");

    public static UiText NodeLabelRecoveryAddress() => Info(MessageIds.NodeLabelRecoveryAddress, "Recovery address");

    public static UiText NodeLabelPhoneNumber() => Info(MessageIds.NodeLabelPhoneNumber, "Phone number");

    public static UiText NodeLabelEmailOrPhone() => Info(MessageIds.NodeLabelEmailOrPhone, "Email or phone number");
}
