using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.SelfService.Flows;
using IdentityServer.Text;
using Microsoft.AspNetCore.Http;

namespace IdentityServer.Tests.Flows;

/// <summary>Small pieces of the flow engine on their own, without a server.</summary>
public sealed class FlowPiecesTests
{
    private static DefaultHttpContext Request(string? accept = null, string? contentType = null, string body = "")
    {
        var http = new DefaultHttpContext();
        if (accept is not null) http.Request.Headers.Accept = accept;
        http.Request.ContentType = contentType;
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        http.Request.ContentLength = Encoding.UTF8.GetByteCount(body);
        http.Response.Body = new MemoryStream();
        return http;
    }

    [Fact]
    public async Task Form_keys_with_dots_become_nested_objects()
    {
        var http = Request(contentType: "application/x-www-form-urlencoded",
            body: "traits.email=a%40example.com&traits.name.first=Ada&method=password");
        var body = await FlowBody.ReadAsync(http.Request, default);
        Assert.Equal("a@example.com", body["traits"]!["email"]!.GetValue<string>());
        Assert.Equal("Ada", body["traits"]!["name"]!["first"]!.GetValue<string>());
        Assert.Equal("password", body["method"]!.GetValue<string>());
    }

    [Fact]
    public async Task Other_content_types_are_415()
    {
        var http = Request(contentType: "text/plain", body: "hello");
        var error = await Assert.ThrowsAsync<IdentityServer.Errors.KratosError>(() => FlowBody.ReadAsync(http.Request, default));
        Assert.Equal(415, error.Code);
    }

    [Fact]
    public async Task Browser_location_change_is_a_redirect_for_forms_and_422_for_json()
    {
        var form = Request(accept: "text/html");
        await new FlowResponder(null!, null!).BrowserLocationAsync(form, "https://app.example.com/next");
        Assert.Equal(303, form.Response.StatusCode);
        Assert.Equal("https://app.example.com/next", form.Response.Headers.Location.ToString());

        var ajax = Request(accept: "application/json");
        await new FlowResponder(null!, null!).BrowserLocationAsync(ajax, "https://app.example.com/next");
        Assert.Equal(422, ajax.Response.StatusCode);
        var json = JsonNode.Parse(Encoding.UTF8.GetString(((MemoryStream)ajax.Response.Body).ToArray()))!;
        Assert.Equal("browser_location_change_required", json["error"]!["id"]!.GetValue<string>());
        Assert.Equal("https://app.example.com/next", json["redirect_browser_to"]!.GetValue<string>());
    }

    [Fact]
    public void Ui_container_round_trips_through_json_with_kratos_attribute_order()
    {
        var ui = new UiContainer { Action = "http://x/self-service/login?flow=1" };
        ui.Upsert(UiNode.Input("identifier", UiNodeGroups.Default, "text", JsonValue.Create(""), required: true, label: Messages.NodeLabelId()));
        ui.SetCsrf("token", first: false);
        ui.Find("identifier")!.SetValue(JsonValue.Create("ada@example.com"));
        ui.AddMessage(Messages.InvalidCredentials());

        var back = UiContainer.Parse(ui.ToJsonString());
        Assert.Equal(["identifier", "csrf_token"], back.Nodes.Select(n => n.Name));
        Assert.Equal(["name", "type", "value", "required", "disabled", "node_type"], back.Nodes[0].Attributes.Select(a => a.Key));
        Assert.Equal("ada@example.com", back.Nodes[0].Attributes["value"]!.GetValue<string>());
        Assert.Equal(4000006, back.Messages!.Single().Id);
        back.ResetMessages();
        Assert.Null(back.Messages);
    }
}
