namespace IdentityServer.Text;

public static partial class Messages
{
    public static UiText VerificationEmailSent() =>
        Info(MessageIds.VerificationEmailSent,
            "An email containing a verification link has been sent to the email address you provided. If you have not received an email, check the spelling of the address and make sure to use the address you registered with.");

    public static UiText VerificationSuccessful() =>
        Success(MessageIds.VerificationSuccessful, "You successfully verified your email address.");

    public static UiText VerificationPhoneSuccessful() =>
        Success(MessageIds.VerificationPhoneSuccessful, "You successfully verified your phone number.");

    public static UiText VerificationEmailWithCodeSent() =>
        Info(MessageIds.VerificationEmailWithCodeSent,
            "An email containing a verification code has been sent to the email address you provided. If you have not received an email, check the spelling of the address and make sure to use the address you registered with.");

    public static UiText VerificationPhoneWithCodeSent() =>
        Info(MessageIds.VerificationPhoneWithCodeSent,
            "A text message containing a verification code has been sent to the phone number you provided. If you have not received a text message, check the spelling of the number and make sure to use the number you registered with.");

    /// <summary>The "code sent" message for a delivery channel (<c>sms</c> or anything else for email).</summary>
    public static UiText VerificationCodeSent(string via) =>
        via == "sms" ? VerificationPhoneWithCodeSent() : VerificationEmailWithCodeSent();

    public static UiText VerificationFlowExpired(DateTimeOffset expiredAt, DateTimeOffset now) =>
        FlowExpired(MessageIds.VerificationFlowExpired, "verification", expiredAt, now);

    public static UiText VerificationTokenInvalidOrAlreadyUsed() =>
        Error(MessageIds.VerificationTokenInvalidOrAlreadyUsed,
            "The verification token is invalid or has already been used. Please retry the flow.");

    public static UiText VerificationRetrySuccess() => Error(MessageIds.VerificationRetrySuccess, RetrySuccessText);

    public static UiText VerificationStateFailure() =>
        Error(MessageIds.VerificationStateFailure, "The verification flow reached a failure state and must be retried.");

    public static UiText VerificationCodeInvalidOrAlreadyUsed() =>
        Error(MessageIds.VerificationCodeInvalidOrAlreadyUsed,
            "The verification code is invalid or has already been used. Please try again.");
}
