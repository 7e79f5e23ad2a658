// Prints throughput figures for identity schema loading, traits validation and extension derivation.
// Run: dotnet run -c Release --project bench/SchemaBench [seconds-per-case]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using IdentityServer.Identities.Schemas;

var secondsPerCase = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 2.0;
var root = new DirectoryInfo(AppContext.BaseDirectory);
while (root is not null && !File.Exists(Path.Combine(root.FullName, "IdentityServer.sln")))
{
    root = root.Parent;
}
if (root is null)
{
    Console.Error.WriteLine("IdentityServer.sln not found above the bench binary.");
    return 1;
}

var schemaPath = Path.Combine(root.FullName, "identity-schemas", "email-password.schema.json");
var schemaJson = File.ReadAllText(schemaPath);
var schema = IdentitySchema.Parse("default", "file://" + schemaPath, schemaJson);

var valid = JsonNode.Parse("""{"email":"Jane.Doe@Example.com","name":{"first":"Jane","last":"Doe"}}""")!;
var invalid = JsonNode.Parse("""{"email":"not-an-email","name":{"first":"Jane","last":7},"extra":true}""")!;

Console.WriteLine($"case                          ops/s       us/op");
Run("compile email-password schema", () => IdentitySchema.Parse("default", "base64://", schemaJson));
Run("validate valid traits", () => TraitsValidator.Validate(schema, valid));
Run("validate invalid traits", () => TraitsValidator.Validate(schema, invalid));
Run("derive identifiers/addresses", () => KratosExtension.Derive(schema, valid));
Run("build form nodes", () => TraitsNodeBuilder.Build(schema, valid));
return 0;

void Run(string name, Func<object> action)
{
    for (var i = 0; i < 200; i++)
    {
        action();
    }
    var watch = Stopwatch.StartNew();
    long count = 0;
    while (watch.Elapsed.TotalSeconds < secondsPerCase)
    {
        for (var i = 0; i < 100; i++)
        {
            action();
        }
        count += 100;
    }
    watch.Stop();
    var perSecond = count / watch.Elapsed.TotalSeconds;
    Console.WriteLine($"{name,-28} {perSecond,10:F0} {1e6 / perSecond,11:F1}");
}
