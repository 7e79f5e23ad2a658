namespace IdentityServer.Courier.Templates;

/// <summary>
/// A Kratos template type (`verification_code_valid`) split into the folder it lives in
/// (`verification_code/valid`) and the keys of its per-type override (`courier.templates.verification_code.valid`).
/// </summary>
public sealed record TemplateKind(string Type, string Group, string? Validity, bool HasSms, bool IsCode)
{
    public static readonly IReadOnlyList<TemplateKind> All =
    [
        new("recovery_valid", "recovery", "valid", HasSms: false, IsCode: false),
        new("recovery_invalid", "recovery", "invalid", HasSms: false, IsCode: false),
        new("recovery_code_valid", "recovery_code", "valid", HasSms: true, IsCode: true),
        new("recovery_code_invalid", "recovery_code", "invalid", HasSms: false, IsCode: true),
        new("verification_valid", "verification", "valid", HasSms: false, IsCode: false),
        new("verification_invalid", "verification", "invalid", HasSms: false, IsCode: false),
        new("verification_code_valid", "verification_code", "valid", HasSms: true, IsCode: true),
        new("verification_code_invalid", "verification_code", "invalid", HasSms: false, IsCode: true),
        new("login_code_valid", "login_code", "valid", HasSms: true, IsCode: true),
        new("registration_code_valid", "registration_code", "valid", HasSms: true, IsCode: true),
        new("verifiable_address_changed", "verifiable_address_changed", null, HasSms: true, IsCode: false),
    ];

    public static TemplateKind? Find(string type) => All.FirstOrDefault(k => k.Type == type);

    /// <summary>The folder below the template root, e.g. verification_code/valid.</summary>
    public string Folder => Validity is null ? Group : Group + "/" + Validity;

    /// <summary>A valid template carries a link or code; an invalid one tells that no account was found.</summary>
    public bool IsValid => Validity != "invalid";
}

/// <summary>One rendered piece of a message: its file name in Kratos's layout and where its override is configured.</summary>
public sealed record TemplatePart(string FileName, string Pattern, string[] ConfigPath, bool Html)
{
    public static readonly TemplatePart EmailSubject = new("email.subject.gotmpl", "email.subject", ["email", "subject"], Html: false);
    public static readonly TemplatePart EmailHtml = new("email.body.gotmpl", "email.body", ["email", "body", "html"], Html: true);
    public static readonly TemplatePart EmailPlaintext = new("email.body.plaintext.gotmpl", "email.body.plaintext", ["email", "body", "plaintext"], Html: false);
    public static readonly TemplatePart SmsBody = new("sms.body.gotmpl", "sms.body", ["sms", "body", "plaintext"], Html: false);
}
