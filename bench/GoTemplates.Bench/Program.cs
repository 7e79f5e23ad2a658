using System.Diagnostics;
using System.Text.Json;
using GoTemplates;
using GoTemplates.Sprig;

// Measures rendering a typical verification email (subject, HTML body, plaintext body) from parsed templates.

const string subject = """
    {{- if eq .Identity.traits.language "de" -}}
    Bitte bestätige deine E-Mail-Adresse
    {{- else -}}
    Please verify your email address
    {{- end -}}
    """;

const string html = """
    <!DOCTYPE html>
    <html>
    <head><title>{{ template "subject" . }}</title></head>
    <body style="font-family: sans-serif">
    <p>Hi {{ .Identity.traits.name.first | default "there" }},</p>
    <p>please verify your account by entering the following code:</p>
    <p style="font-size: 24px"><b>{{ .VerificationCode }}</b></p>
    <p>or clicking the following link:</p>
    <p><a href="{{ .VerificationURL }}">{{ .VerificationURL }}</a></p>
    <p><small>This email was sent to {{ .To }}.</small></p>
    </body>
    </html>
    """;

const string plaintext = """
    Hi {{ .Identity.traits.name.first | default "there" }},

    please verify your account by entering the following code:

    {{ .VerificationCode }}

    or clicking the following link:

    {{ .VerificationURL }}

    This email was sent to {{ .To }}.
    """;

var functions = SprigFunctions.Hermetic;
var subjectTemplate = GoTemplate.Parse("email.subject.gotmpl", subject, TemplateMode.Text, functions);
var htmlTemplate = GoTemplate.Parse("email.body.gotmpl", "{{ define \"subject\" }}" + subject + "{{ end }}" + html, TemplateMode.Html, functions);
var textTemplate = GoTemplate.Parse("email.body.plaintext.gotmpl", plaintext, TemplateMode.Text, functions);

var identity = JsonSerializer.Deserialize<JsonElement>("""
    {"id":"9f4b2c1e-7a55-4a9e-8f3e-2b1d1c0a9e11","schema_id":"default",
     "traits":{"email":"ada@example.com","language":"en","name":{"first":"Ada","last":"Lovelace"}}}
    """);
var model = new VerificationCodeModel(
    "ada@example.com",
    "https://auth.example.com/self-service/verification?flow=7f1c2e&code=482913",
    "482913",
    (Dictionary<string, object?>)GoValues.FromJson(identity)!);

int RenderOnce()
{
    return subjectTemplate.Execute(model).Length + htmlTemplate.Execute(model).Length + textTemplate.Execute(model).Length;
}

Console.WriteLine("Subject:   " + subjectTemplate.Execute(model));
Console.WriteLine("HTML:      " + htmlTemplate.Execute(model).Length + " chars");
Console.WriteLine("Plaintext: " + textTemplate.Execute(model).Length + " chars");

int iterations = args.Length > 0 ? int.Parse(args[0]) : 200_000;
for (int i = 0; i < 20_000; i++) RenderOnce();

var best = double.MaxValue;
for (int round = 0; round < 5; round++)
{
    long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    var sw = Stopwatch.StartNew();
    long sink = 0;
    for (int i = 0; i < iterations; i++) sink += RenderOnce();
    sw.Stop();
    long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
    double micros = sw.Elapsed.TotalMicroseconds / iterations;
    best = Math.Min(best, micros);
    Console.WriteLine($"round {round + 1}: {micros:F2} µs per email (subject + HTML + plaintext), {allocated / iterations} bytes allocated, checksum {sink}");
}
Console.WriteLine($"best: {best:F2} µs per verification email (target < 20 µs)");

var parse = Stopwatch.StartNew();
const int parses = 2_000;
for (int i = 0; i < parses; i++)
{
    GoTemplate.Parse("email.body.gotmpl", "{{ define \"subject\" }}" + subject + "{{ end }}" + html, TemplateMode.Html, functions);
}
Console.WriteLine($"parse + escape of the HTML body: {parse.Elapsed.TotalMicroseconds / parses:F1} µs");

internal sealed record VerificationCodeModel(string To, string VerificationURL, string VerificationCode, Dictionary<string, object?> Identity);
