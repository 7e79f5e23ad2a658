using System.Diagnostics;
using System.Text;

namespace Jsonnet.Tests.Differential;

/// <summary>Programs shaped like the ones Kratos users write, run with external variables and top-level arguments.</summary>
public class KratosStyleTests
{
    private const string Context = """
        {"flow": {"id": "f-1", "type": "browser", "request_url": "https://example.com/self-service/registration?return_to=x"},
         "identity": {"id": "id-1", "schema_id": "customer",
           "traits": {"email": "Jane.Doe@Example.com", "name": {"first": "Jane", "last": "Doe"}, "consent": true, "age": 33.5},
           "verifiable_addresses": [{"value": "jane.doe@example.com", "verified": false, "via": "email"}],
           "metadata_public": null},
         "request_headers": {"Accept-Language": ["de-DE"], "X-Forwarded-For": ["10.0.0.1"]},
         "transient_payload": {"utm": "spring", "count": 3}}
        """;

    private const string Claims = """
        {"iss": "https://accounts.example.com", "sub": "1234567890", "email": "jane@example.com", "email_verified": true,
         "name": "Jane Doe", "given_name": "Jane", "family_name": "Doe", "picture": "https://example.com/p.png",
         "groups": ["admins", "users"], "raw_claims": {"hd": "example.com", "locale": "en"}}
        """;

    public static IEnumerable<object[]> Programs() => new[]
    {
        new object[] { "webhook", """
            function(ctx) {
              userId: ctx.identity.id,
              email: std.asciiLower(ctx.identity.traits.email),
              fullName: ctx.identity.traits.name.first + ' ' + ctx.identity.traits.name.last,
              [if ctx.identity.traits.consent then 'marketing']: { source: ctx.transient_payload.utm },
              verified: std.length([a for a in ctx.identity.verifiable_addresses if a.verified]) > 0,
              language: std.split(ctx.request_headers['Accept-Language'][0], '-')[0],
              age: ctx.identity.traits.age,
              flow: ctx.flow.type + ':' + ctx.flow.id,
            }
            """ },
        new object[] { "webhook-cancel", """
            function(ctx)
              if std.endsWith(std.asciiLower(ctx.identity.traits.email), '@example.org') then
                error 'cancel'
              else
                { identity: ctx.identity.id, payload: std.manifestJsonEx(ctx.transient_payload, '  ') }
            """ },
        new object[] { "oidc-mapper", """
            local claims = {
              email_verified: false,
            } + std.extVar('claims');

            {
              identity: {
                traits: {
                  [if 'email' in claims && claims.email_verified then 'email' else null]: claims.email,
                  name: { first: std.get(claims, 'given_name', ''), last: std.get(claims, 'family_name', '') },
                  groups: std.sort(std.get(claims, 'groups', [])),
                  hd: claims.raw_claims.hd,
                },
                metadata_public: { iss: claims.iss, picture: claims.picture },
              },
            }
            """ },
        new object[] { "sms-body", """
            function(ctx) std.format('Hi %s, your code is %06d. Expires in %d min.', [ctx.identity.traits.name.first, 4711, 15])
            """ },
        new object[] { "courier-http", """
            function(ctx) {
              recipient: ctx.identity.traits.email,
              template_type: 'verification_code',
              to: ctx.identity.traits.email,
              body: |||
                Hello %(first)s,
                please verify %(email)s.
              ||| % { first: ctx.identity.traits.name.first, email: ctx.identity.traits.email },
              headers: { 'X-Count': std.toString(ctx.transient_payload.count) },
              meta: std.mergePatch(ctx.identity, { traits: { age: null }, metadata_public: { seen: true } }),
            }
            """ },
    };

    [SkippableTheory]
    [MemberData(nameof(Programs))]
    public void SameOutputAsReference(string name, string program)
    {
        var cli = ReferenceData.RequireReferenceCli();
        var dir = Directory.CreateTempSubdirectory("kratos-style");
        try
        {
            var file = Path.Combine(dir.FullName, name + ".jsonnet");
            File.WriteAllText(file, program);
            var psi = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
            foreach (var a in new[] { "--tla-code", "ctx=" + Context, "--ext-code", "claims=" + Claims, file }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            var expected = p.StandardOutput.ReadToEnd();
            p.WaitForExit();

            var args = new EvaluationArgs
            {
                TlaCodes = new Dictionary<string, string> { ["ctx"] = Context },
                ExtCodes = new Dictionary<string, string> { ["claims"] = Claims },
            };
            var parsed = new JsonnetEngine().Parse(program, file);
            if (p.ExitCode != 0)
            {
                Assert.Throws<JsonnetException>(() => parsed.Evaluate(args));
                return;
            }
            Assert.Equal(expected, parsed.Evaluate(args) + "\n");
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
