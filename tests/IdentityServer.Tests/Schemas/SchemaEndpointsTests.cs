using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Identities.Schemas;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Tests.Schemas;

public sealed class SchemaEndpointsTests : IAsyncLifetime
{
    private const string SchemaA = """{"$id":"a","type":"object","properties":{"traits":{"type":"object","properties":{"email":{"type":"string","format":"email"}}}}}""";
    private const string SchemaB = """{"$id":"b","type":"object","properties":{"traits":{"type":"object"}}}""";

    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(new IdentitySchemaRegistry(
        [
            ("default", SchemaFactory.Base64Url(SchemaA)),
            ("customer/v2", SchemaFactory.Base64Url(SchemaB)),
            ("third", SchemaFactory.Base64Url(SchemaB)),
            ("broken", "file:///does/not/exist.json"),
        ]));
        _app = builder.Build();
        SchemaEndpoints.Map(_app);
        SchemaEndpoints.Map(_app, "/admin");
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Get_returns_the_raw_schema()
    {
        var response = await _client.GetAsync("/schemas/default");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(SchemaA), JsonNode.Parse(await response.Content.ReadAsStringAsync())));
    }

    [Fact]
    public async Task Get_accepts_base64url_encoded_ids()
    {
        var response = await _client.GetAsync("/schemas/" + IdentitySchemaRegistry.EncodeId("customer/v2"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["$id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Endpoints_can_be_mapped_under_a_prefix()
    {
        var response = await _client.GetAsync("/admin/schemas/default");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = await _client.GetAsync("/admin/schemas?per_page=1");
        Assert.Contains("/admin/schemas?", list.Headers.GetValues("Link").Single());
    }

    [Fact]
    public async Task Unknown_schema_is_404_in_the_standard_error_shape()
    {
        var response = await _client.GetAsync("/schemas/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(404, error["code"]!.GetValue<int>());
        Assert.Equal("Not Found", error["status"]!.GetValue<string>());
        Assert.Equal("The requested resource could not be found", error["message"]!.GetValue<string>());
        Assert.Equal("Identity schema `nope` could not be found.", error["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unreadable_schema_is_a_500()
    {
        var response = await _client.GetAsync("/schemas/broken");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(500, error["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task List_returns_id_and_schema_pairs_with_pagination_headers()
    {
        var response = await _client.GetAsync("/schemas?per_page=2");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(["default", "customer/v2"], body.Select(item => item!["id"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(SchemaA), body[0]!["schema"]));

        Assert.Equal("4", response.Headers.GetValues("X-Total-Count").Single());
        var link = response.Headers.GetValues("Link").Single();
        Assert.Equal(
            "</schemas?page=1&page_size=2&page_token=" + SchemaListPagination.EncodeToken(2) + "&per_page=2>; rel=\"next\"," +
            "</schemas?page=1&page_size=2&page_token=" + SchemaListPagination.EncodeToken(2) + "&per_page=2>; rel=\"last\"",
            link);
    }

    [Fact]
    public async Task List_pages_with_page_and_per_page()
    {
        var body = JsonNode.Parse(await _client.GetStringAsync("/schemas?page=1&per_page=1"))!.AsArray();
        Assert.Equal("customer/v2", Assert.Single(body)!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_pages_with_page_token_and_page_size()
    {
        var token = SchemaListPagination.EncodeToken(2);
        var body = JsonNode.Parse(await _client.GetStringAsync("/schemas?page_size=1&page_token=" + token))!.AsArray();
        Assert.Equal("third", Assert.Single(body)!["id"]!.GetValue<string>());
    }

    [ReferenceFact]
    public async Task List_items_have_the_fields_the_api_requires()
    {
        var api = JsonNode.Parse(await File.ReadAllTextAsync(SchemaTestFiles.Reference("kratos", "api.json")))!;
        var container = api["components"]!["schemas"]!["identitySchemaContainer"]!;
        var required = container["required"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        var allowed = container["properties"]!.AsObject().Select(p => p.Key).ToHashSet();

        var body = JsonNode.Parse(await _client.GetStringAsync("/schemas?per_page=3"))!.AsArray();
        Assert.Equal(3, body.Count);
        foreach (var item in body)
        {
            var obj = item!.AsObject();
            Assert.All(required, key => Assert.True(obj.ContainsKey(key), key));
            Assert.All(obj.Select(p => p.Key), key => Assert.Contains(key, allowed));
            Assert.Equal(System.Text.Json.JsonValueKind.Object, obj["schema"]!.GetValueKind());
        }

        var parameters = api["paths"]!["/schemas"]!["get"]!["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>());
        Assert.Equal(["page", "page_size", "page_token", "per_page"], parameters.Order());
    }

    [Fact]
    public void Parse_reads_both_pagination_styles_and_clamps()
    {
        Assert.Equal((0, 250), SchemaListPagination.Parse(Query("")));
        Assert.Equal((3, 10), SchemaListPagination.Parse(Query("?page=3&per_page=10")));
        Assert.Equal((0, 1000), SchemaListPagination.Parse(Query("?per_page=5000")));
        Assert.Equal((0, 1), SchemaListPagination.Parse(Query("?per_page=0&page=-2")));
        Assert.Equal((4, 5), SchemaListPagination.Parse(Query("?page_size=5&page_token=" + SchemaListPagination.EncodeToken(20))));
        Assert.Equal((0, 250), SchemaListPagination.Parse(Query("?page_token=garbage")));
    }

    [Fact]
    public void Link_header_lists_the_neighbouring_pages()
    {
        var query = Query("");
        Assert.Equal(4, SchemaListPagination.LinkHeader("/schemas", query, 200, 2, 50).Split(',').Length);
        Assert.Contains("rel=\"prev\"", SchemaListPagination.LinkHeader("/schemas", query, 100, 1, 50));
        Assert.DoesNotContain("rel=\"next\"", SchemaListPagination.LinkHeader("/schemas", query, 100, 1, 50));
        var single = SchemaListPagination.LinkHeader("/schemas", query, 3, 0, 250);
        Assert.Equal("</schemas?page=0&page_size=3&page_token=" + SchemaListPagination.EncodeToken(0) + "&per_page=3>; rel=\"first\"", single);
    }

    [Fact]
    public void Page_tokens_encode_the_offset()
    {
        Assert.Equal("eyJvZmZzZXQiOiI1MCIsInYiOjJ9", SchemaListPagination.EncodeToken(50));
        Assert.Equal(50, SchemaListPagination.DecodeToken("eyJvZmZzZXQiOiI1MCIsInYiOjJ9"));
    }

    private static IQueryCollection Query(string query) => new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));
}
