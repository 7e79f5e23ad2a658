using System.Net;
using System.Text;
using IdentityServer.Identities.Schemas;

namespace IdentityServer.Tests.Schemas;

public sealed class IdentitySchemaRegistryTests : IDisposable
{
    private const string Schema = """
        {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"traits":{"type":"object",
         "properties":{"email":{"type":"string","format":"email"}}}}}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("identity-schemas-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Loads_base64_urls()
    {
        var registry = new IdentitySchemaRegistry([("default", SchemaFactory.Base64Url(Schema))]);
        var schema = await registry.GetAsync("default");
        Assert.Equal("default", schema.Id);
        Assert.Equal("email", schema.TraitsSchema!["properties"]!["email"]!["format"]!.GetValue<string>());
    }

    [Fact]
    public async Task Loads_url_safe_base64_without_padding()
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(Schema + " ")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var schema = await new IdentitySchemaRegistry([("a", "base64://" + encoded)]).GetAsync("a");
        Assert.NotNull(schema.TraitsSchema);
    }

    [Fact]
    public async Task Loads_absolute_file_urls()
    {
        var path = Path.Combine(_dir, "identity.schema.json");
        await File.WriteAllTextAsync(path, Schema);
        var schema = await new IdentitySchemaRegistry([("a", "file://" + path)]).GetAsync("a");
        Assert.Equal("file://" + path, schema.Url);
        Assert.NotNull(schema.TraitsSchema);
    }

    [Fact]
    public async Task Loads_file_urls_relative_to_the_current_directory()
    {
        var path = Path.Combine(_dir, "relative.schema.json");
        await File.WriteAllTextAsync(path, Schema);
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        Assert.False(Path.IsPathRooted(relative));

        var schema = await new IdentitySchemaRegistry([("a", "file://" + relative)]).GetAsync("a");
        Assert.NotNull(schema.TraitsSchema);
    }

    [Fact]
    public async Task Loads_http_urls_once_and_caches_them()
    {
        var handler = new CountingHandler(Schema);
        var registry = new IdentitySchemaRegistry([("remote", "https://schemas.test/identity.json")], "remote", new HttpClient(handler));

        var first = await registry.GetAsync("remote");
        var second = await registry.GetAsync("remote");

        Assert.Same(first, second);
        Assert.Equal(1, handler.Calls);
        Assert.Equal("https://schemas.test/identity.json", handler.LastUri);
    }

    [Fact]
    public async Task Http_errors_are_load_errors_and_are_retried()
    {
        var handler = new CountingHandler(Schema) { Status = HttpStatusCode.NotFound };
        var registry = new IdentitySchemaRegistry([("remote", "http://schemas.test/x.json")], "remote", new HttpClient(handler));

        await Assert.ThrowsAsync<IdentitySchemaLoadException>(() => registry.GetAsync("remote"));
        handler.Status = HttpStatusCode.OK;
        Assert.NotNull(await registry.GetAsync("remote"));
        Assert.Equal(2, handler.Calls);
    }

    [Fact]
    public async Task Unknown_schema_ids_throw()
    {
        var registry = new IdentitySchemaRegistry([("default", SchemaFactory.Base64Url(Schema))]);
        var error = await Assert.ThrowsAsync<UnknownIdentitySchemaException>(() => registry.GetAsync("nope"));
        Assert.Equal("nope", error.SchemaId);
        Assert.False(registry.TryResolveId("nope", out _));
    }

    [Fact]
    public async Task Empty_id_means_the_default_schema()
    {
        var registry = new IdentitySchemaRegistry(
            [("customer", SchemaFactory.Base64Url(Schema)), ("staff", SchemaFactory.Base64Url(Schema))], "staff");
        Assert.Equal("staff", (await registry.GetAsync("")).Id);
        Assert.Equal("staff", (await registry.GetDefaultAsync()).Id);
    }

    [Fact]
    public async Task Ids_may_be_given_base64url_encoded()
    {
        var registry = new IdentitySchemaRegistry([("customer/v2", SchemaFactory.Base64Url(Schema))]);
        var encoded = IdentitySchemaRegistry.EncodeId("customer/v2");
        Assert.Equal("Y3VzdG9tZXIvdjI", encoded);
        Assert.Equal("customer/v2", (await registry.GetAsync(encoded)).Id);
    }

    [Theory]
    [InlineData("base64://%%%")]
    [InlineData("base64://bm90IGpzb24")]
    [InlineData("ftp://example.com/schema.json")]
    [InlineData("file:///does/not/exist.schema.json")]
    public async Task Broken_urls_are_load_errors(string url)
    {
        var registry = new IdentitySchemaRegistry([("broken", url)], "broken");
        var error = await Assert.ThrowsAsync<IdentitySchemaLoadException>(() => registry.GetAsync("broken"));
        Assert.Equal("broken", error.SchemaId);
    }

    [Fact]
    public async Task Lists_schemas_page_by_page_in_configuration_order()
    {
        var registry = new IdentitySchemaRegistry(
            [("a", SchemaFactory.Base64Url(Schema)), ("b", SchemaFactory.Base64Url(Schema)), ("c", SchemaFactory.Base64Url(Schema))]);
        Assert.Equal(["a", "b"], (await registry.ListAsync(0, 2)).Select(s => s.Id));
        Assert.Equal(["c"], (await registry.ListAsync(1, 2)).Select(s => s.Id));
        Assert.Empty(await registry.ListAsync(5, 2));
        Assert.Equal(3, registry.Count);
    }

    private sealed class CountingHandler(string body) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        public string? LastUri { get; private set; }

        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            LastUri = request.RequestUri?.ToString();
            return Task.FromResult(new HttpResponseMessage(Status) { Content = new StringContent(body) });
        }
    }
}
