namespace IdentityServer.Text;

/// <summary>
/// Every message id of the UI message catalog. The numbers are a public contract: UIs translate
/// by id, so they must never change. Ids without a factory in <see cref="Messages"/> are reserved
/// section roots.
/// </summary>
public static class MessageIds
{
    // Login (info)
    public const long LoginRoot = 1010000;
    public const long Login = 1010001;
    public const long LoginWith = 1010002;
    public const long LoginReAuth = 1010003;
    public const long LoginMfa = 1010004;
    public const long LoginVerify = 1010005;
    public const long LoginTotpLabel = 1010006;
    public const long LoginLookupLabel = 1010007;
    public const long LoginWebAuthn = 1010008;
    public const long LoginTotp = 1010009;
    public const long LoginLookup = 1010010;
    public const long LoginContinueWebAuthn = 1010011;
    public const long LoginWebAuthnPasswordless = 1010012;
    public const long LoginContinue = 1010013;
    public const long LoginCodeSent = 1010014;
    public const long LoginCode = 1010015;
    public const long LoginLink = 1010016;
    public const long LoginAndLink = 1010017;
    public const long LoginWithAndLink = 1010018;
    public const long LoginCodeMfa = 1010019;
    public const long LoginCodeMfaHint = 1010020;
    public const long LoginPasskey = 1010021;
    public const long LoginPassword = 1010022;
    public const long LoginAal2CodeAddress = 1010023;
    public const long LoginDeviceAuthn = 1010024;
    public const long LoginCodeSentForAuthenticatedUser = 1010025;

    // Logout and MFA (info)
    public const long Logout = 1020000;
    public const long Mfa = 1030000;

    // Registration (info)
    public const long RegistrationRoot = 1040000;
    public const long Registration = 1040001;
    public const long RegistrationWith = 1040002;
    public const long RegistrationContinue = 1040003;
    public const long RegistrationRegisterWebAuthn = 1040004;
    public const long RegistrationEmailWithCodeSent = 1040005;
    public const long RegistrationRegisterCode = 1040006;
    public const long RegistrationRegisterPasskey = 1040007;
    public const long RegistrationBack = 1040008;
    public const long RegistrationChooseCredentials = 1040009;

    // Settings (info, success)
    public const long Settings = 1050000;
    public const long SettingsUpdateSuccess = 1050001;
    public const long SettingsLinkOidc = 1050002;
    public const long SettingsUnlinkOidc = 1050003;
    public const long SettingsUnlinkTotp = 1050004;
    public const long SettingsTotpQrCode = 1050005;
    public const long SettingsTotpSecret = 1050006;
    public const long SettingsRevealLookup = 1050007;
    public const long SettingsRegenerateLookup = 1050008;
    public const long SettingsLookupSecret = 1050009;
    public const long SettingsLookupSecretLabel = 1050010;
    public const long SettingsLookupConfirm = 1050011;
    public const long SettingsRegisterWebAuthn = 1050012;
    public const long SettingsRegisterWebAuthnDisplayName = 1050013;
    public const long SettingsLookupSecretUsed = 1050014;
    public const long SettingsLookupSecretList = 1050015;
    public const long SettingsDisableLookup = 1050016;
    public const long SettingsTotpSecretLabel = 1050017;
    public const long SettingsRemoveWebAuthn = 1050018;
    public const long SettingsRegisterPasskey = 1050019;
    public const long SettingsRemovePasskey = 1050020;
    public const long SettingsRemoveDeviceAuthnKey = 1050021;
    public const long SettingsDeviceAuthnNonce = 1050022;
    public const long SettingsManagedByOrganization = 1050023;

    // Recovery (info, success)
    public const long Recovery = 1060000;
    public const long RecoverySuccessful = 1060001;
    public const long RecoveryEmailSent = 1060002;
    public const long RecoveryEmailWithCodeSent = 1060003;
    public const long RecoveryMaskedWithCodeSent = 1060004;
    public const long RecoveryAskForFullAddress = 1060005;
    public const long RecoveryAskToChooseAddress = 1060006;
    public const long RecoveryBack = 1060007;

    // Node labels (info)
    public const long NodeLabel = 1070000;
    public const long NodeLabelInputPassword = 1070001;
    public const long NodeLabelGenerated = 1070002;
    public const long NodeLabelSave = 1070003;
    public const long NodeLabelId = 1070004;
    public const long NodeLabelSubmit = 1070005;
    public const long NodeLabelVerifyOtp = 1070006;
    public const long NodeLabelEmail = 1070007;
    public const long NodeLabelResendOtp = 1070008;
    public const long NodeLabelContinue = 1070009;
    public const long NodeLabelRecoveryCode = 1070010;
    public const long NodeLabelVerificationCode = 1070011;
    public const long NodeLabelRegistrationCode = 1070012;
    public const long NodeLabelLoginCode = 1070013;
    public const long NodeLabelLoginAndLinkCredential = 1070014;
    public const long NodeLabelCaptcha = 1070015;
    public const long NodeLabelRecoveryAddress = 1070016;
    public const long NodeLabelPhoneNumber = 1070017;
    public const long NodeLabelEmailOrPhone = 1070018;

    // Verification (info, success)
    public const long Verification = 1080000;
    public const long VerificationEmailSent = 1080001;
    public const long VerificationSuccessful = 1080002;
    public const long VerificationEmailWithCodeSent = 1080003;
    public const long VerificationPhoneWithCodeSent = 1080004;
    public const long VerificationPhoneSuccessful = 1080005;

    // Validation (error)
    public const long Validation = 4000000;
    public const long ValidationGeneric = 4000001;
    public const long ValidationRequired = 4000002;
    public const long ValidationMinLength = 4000003;
    public const long ValidationInvalidFormat = 4000004;
    public const long ValidationPasswordPolicyViolation = 4000005;
    public const long ValidationInvalidCredentials = 4000006;
    public const long ValidationDuplicateCredentials = 4000007;
    public const long ValidationTotpVerifierWrong = 4000008;
    public const long ValidationIdentifierMissing = 4000009;
    public const long ValidationAddressNotVerified = 4000010;
    public const long ValidationNoTotpDevice = 4000011;
    public const long ValidationLookupAlreadyUsed = 4000012;
    public const long ValidationNoWebAuthnDevice = 4000013;
    public const long ValidationNoLookup = 4000014;
    public const long ValidationNoWebAuthnUser = 4000015;
    public const long ValidationLookupInvalid = 4000016;
    public const long ValidationMaxLength = 4000017;
    public const long ValidationMinimum = 4000018;
    public const long ValidationExclusiveMinimum = 4000019;
    public const long ValidationMaximum = 4000020;
    public const long ValidationExclusiveMaximum = 4000021;
    public const long ValidationMultipleOf = 4000022;
    public const long ValidationMaxItems = 4000023;
    public const long ValidationMinItems = 4000024;
    public const long ValidationUniqueItems = 4000025;
    public const long ValidationWrongType = 4000026;
    public const long ValidationDuplicateCredentialsOnOidcLink = 4000027;
    public const long ValidationDuplicateCredentialsWithHints = 4000028;
    public const long ValidationConst = 4000029;
    public const long ValidationConstGeneric = 4000030;
    public const long ValidationPasswordIdentifierTooSimilar = 4000031;
    public const long ValidationPasswordMinLength = 4000032;
    public const long ValidationPasswordMaxLength = 4000033;
    public const long ValidationPasswordTooManyBreaches = 4000034;
    public const long ValidationNoCodeUser = 4000035;
    public const long ValidationTraitsMismatch = 4000036;
    public const long ValidationAccountNotFound = 4000037;
    public const long ValidationCaptchaError = 4000038;
    public const long ValidationPasswordNewSameAsOld = 4000039;
    public const long ValidationEmail = 4000040;
    public const long ValidationPhone = 4000041;
    public const long ValidationNoDeviceAuthnDevice = 4000042;
    public const long ValidationWebAuthnVerifierWrong = 4000043;
    public const long ValidationDeviceAuthnVerifierWrong = 4000044;
    public const long ValidationDeviceAuthnRelaxedAttestationNoLongerValid = 4000045;
    public const long ValidationDeviceAuthnKeyReenrollmentRequired = 4000046;

    // Login errors
    public const long ValidationLogin = 4010000;
    public const long LoginFlowExpired = 4010001;
    public const long LoginNoStrategyFound = 4010002;
    public const long RegistrationNoStrategyFound = 4010003;
    public const long SettingsNoStrategyFound = 4010004;
    public const long RecoveryNoStrategyFound = 4010005;
    public const long VerificationNoStrategyFound = 4010006;
    public const long LoginRetrySuccess = 4010007;
    public const long LoginCodeInvalidOrAlreadyUsed = 4010008;
    public const long LoginLinkedCredentialsDoNotMatch = 4010009;
    public const long LoginAddressUnknown = 4010010;
    public const long IdentityDisabled = 4010011;

    // Registration errors
    public const long ValidationRegistration = 4040000;
    public const long RegistrationFlowExpired = 4040001;
    public const long RegistrationRetrySuccess = 4040002;
    public const long RegistrationCodeInvalidOrAlreadyUsed = 4040003;

    // Settings errors
    public const long ValidationSettings = 4050000;
    public const long SettingsFlowExpired = 4050001;
    public const long SettingsTooManyAddressChanges = 4050002;

    // Recovery errors
    public const long ValidationRecovery = 4060000;
    public const long RecoveryRetrySuccess = 4060001;
    public const long RecoveryStateFailure = 4060002;
    public const long RecoveryMissingRecoveryToken = 4060003;
    public const long RecoveryTokenInvalidOrAlreadyUsed = 4060004;
    public const long RecoveryFlowExpired = 4060005;
    public const long RecoveryCodeInvalidOrAlreadyUsed = 4060006;

    // Verification errors
    public const long ValidationVerification = 4070000;
    public const long VerificationTokenInvalidOrAlreadyUsed = 4070001;
    public const long VerificationRetrySuccess = 4070002;
    public const long VerificationStateFailure = 4070003;
    public const long VerificationMissingVerificationToken = 4070004;
    public const long VerificationFlowExpired = 4070005;
    public const long VerificationCodeInvalidOrAlreadyUsed = 4070006;

    // System errors
    public const long System = 5000000;
    public const long SystemGeneric = 5000001;
    public const long SystemNoAuthenticationMethodsAvailable = 5000002;
    public const long SystemOrganizationNoSsoProvidersAvailable = 5000003;
}
