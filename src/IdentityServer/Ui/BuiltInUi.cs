using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.Hosting;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Recovery;
using IdentityServer.Sessions;

namespace IdentityServer.Ui;

/// <summary>
/// A plain server-rendered UI on the public listener (`/ui/...`), so that the default configuration
/// gives a working sign-in page without a separate UI. It renders the flows exactly as any UI would:
/// from the flow's JSON, its nodes and messages, posting the form to the flow's action.
/// </summary>
public static class BuiltInUi
{
    public static void MapBuiltInUi(this WebApplication app)
    {
        var ui = app.MapPublic().MapGroup("/ui");
        ui.MapGet("/login", (HttpContext http, FlowLoader loader, CancellationToken ct) => FlowPage(http, loader, FlowKinds.Login, ct));
        ui.MapGet("/registration", (HttpContext http, FlowLoader loader, CancellationToken ct) => FlowPage(http, loader, FlowKinds.Registration, ct));
        ui.MapGet("/settings", SettingsPage);
        ui.MapGet("/verification", (HttpContext http, FlowLoader loader, CancellationToken ct) =>
            AddressPage(http, FlowKinds.Verification, id => loader.FetchAsync(http, FlowKinds.Verification, id, ct)));
        ui.MapGet("/recovery", (HttpContext http, RecoveryFlows flows, CancellationToken ct) =>
            AddressPage(http, FlowKinds.Recovery, id => flows.FetchAsync(http, id, ct)));
        ui.MapGet("/welcome", Welcome);
        ui.MapGet("/error", Error);
    }

    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    private static async Task<IResult> FlowPage(HttpContext http, FlowLoader loader, string kind, CancellationToken ct)
    {
        var init = $"/self-service/{kind}/browser";
        var id = http.Request.Query["flow"].LastOrDefault();
        if (string.IsNullOrEmpty(id))
            return Results.Redirect(init);
        FlowRecord flow;
        try
        {
            flow = await loader.FetchAsync(http, kind, id, ct);
        }
        catch (KratosError e) when (e.Code is 404 or 410 or 403)
        {
            // An unknown, expired or foreign flow: start a fresh one, as UIs built on Kratos do.
            return Results.Redirect(init);
        }
        var json = FlowJson.Render(flow);
        var title = kind == FlowKinds.Login ? "Sign in" : "Create an account";
        var body = new StringBuilder();
        body.Append("<h1>").Append(title).Append("</h1>");
        AppendMessages(body, json["ui"]?["messages"]);
        AppendForm(body, json["ui"]!);
        body.Append(kind == FlowKinds.Login
            ? "<p>No account yet? <a href=\"/self-service/registration/browser\">Create one</a></p>"
            : "<p>Already have an account? <a href=\"/self-service/login/browser\">Sign in</a></p>");
        return Page(title, body.ToString());
    }

    /// <summary>Verification and recovery: the address form, the code form, and after verification the way onwards.</summary>
    private static async Task<IResult> AddressPage(HttpContext http, string kind, Func<string, Task<FlowRecord>> fetch)
    {
        var init = $"/self-service/{kind}/browser";
        var id = http.Request.Query["flow"].LastOrDefault();
        if (string.IsNullOrEmpty(id))
            return Results.Redirect(init);
        FlowRecord flow;
        try
        {
            flow = await fetch(id);
        }
        catch (KratosError e) when (e.Code is 404 or 410 or 403)
        {
            return Results.Redirect(init);
        }
        var ui = FlowJson.Render(flow)["ui"]!;
        var title = kind == FlowKinds.Verification ? "Verify your address" : "Recover your account";
        var body = new StringBuilder("<h1>").Append(title).Append("</h1>");
        AppendMessages(body, ui["messages"]);
        if (ui["method"]?.GetValue<string>() == "POST")
            AppendForm(body, ui);
        foreach (var link in (ui["nodes"]?.AsArray() ?? []).Where(n => n?["type"]?.GetValue<string>() == "a"))
        {
            body.Append("<p><a href=\"").Append(Html.Encode(link!["attributes"]!["href"]!.GetValue<string>())).Append("\">")
                .Append(Html.Encode(link["meta"]?["label"]?["text"]?.GetValue<string>() ?? "Continue")).Append("</a></p>");
        }
        body.Append("<p><a href=\"/self-service/login/browser\">Back to sign in</a></p>");
        return Page(title, body.ToString());
    }

    /// <summary>The settings flow of the signed-in identity: one form per method, each with the CSRF token.</summary>
    private static async Task<IResult> SettingsPage(HttpContext http, FlowLoader loader, ISessionService sessions, CancellationToken ct)
    {
        const string init = "/self-service/settings/browser";
        var id = http.Request.Query["flow"].LastOrDefault();
        if (string.IsNullOrEmpty(id))
            return Results.Redirect(init);
        FlowRecord flow;
        try
        {
            flow = await loader.FetchAsync(http, FlowKinds.Settings, id, ct);
        }
        catch (KratosError e) when (e.Code is 404 or 410 or 403)
        {
            return Results.Redirect(init);
        }
        // Another identity's flow is never shown; the init endpoint sends a browser without a session to sign in.
        if (await sessions.CurrentAsync(http, ct) is not { } session || session.IdentityId != flow.IdentityId)
            return Results.Redirect(init);
        var ui = FlowJson.Render(flow)["ui"]!;
        var body = new StringBuilder("<h1>Account settings</h1>");
        AppendMessages(body, ui["messages"]);
        var groups = (ui["nodes"]?.AsArray() ?? []).Select(n => n?["group"]?.GetValue<string>()).OfType<string>()
            .Where(g => g != SelfService.Flows.UiNodeGroups.Default).Distinct();
        foreach (var group in groups)
        {
            body.Append("<h2>").Append(group == SelfService.Flows.UiNodeGroups.Profile ? "Profile" : Html.Encode(char.ToUpperInvariant(group[0]) + group[1..])).Append("</h2>");
            AppendForm(body, ui, group);
        }
        body.Append("<p><a href=\"/ui/welcome\">Back</a></p>");
        return Page("Account settings", body.ToString());
    }

    private static async Task<IResult> Welcome(HttpContext http, SessionService sessions, CancellationToken ct)
    {
        var body = new StringBuilder("<h1>Welcome</h1>");
        var resolved = await sessions.ResolveAsync(http, ct);
        if (resolved is null)
        {
            body.Append("<p>You are not signed in.</p><p><a href=\"/self-service/login/browser\">Sign in</a> or ")
                .Append("<a href=\"/self-service/registration/browser\">create an account</a>.</p>");
            return Page("Welcome", body.ToString());
        }
        var traits = resolved.Record.Identity is { } identity ? JsonNode.Parse(identity.Traits) : null;
        body.Append("<p>You are signed in.</p><pre>").Append(Html.Encode(traits?.ToJsonString(new() { WriteIndented = true }) ?? "{}")).Append("</pre>");
        var logout = "/self-service/logout?token=" + Uri.EscapeDataString(SessionTokens.LogoutTokenFor(resolved.Token));
        body.Append("<p><a href=\"/self-service/settings/browser\">Account settings</a></p>");
        body.Append("<p><a href=\"").Append(Html.Encode(logout)).Append("\">Sign out</a></p>");
        return Page("Welcome", body.ToString());
    }

    private static async Task<IResult> Error(HttpContext http, FlowStore store, CancellationToken ct)
    {
        var body = new StringBuilder("<h1>Something went wrong</h1>");
        if (Guid.TryParse(http.Request.Query["id"].LastOrDefault(), out var id) && await store.FindErrorAsync(id, ct) is { } record
            && JsonNode.Parse(record.Error) is JsonObject error)
        {
            foreach (var field in new[] { "message", "reason" })
            {
                if (error[field] is JsonValue v && v.TryGetValue<string>(out var text))
                    body.Append("<p>").Append(Html.Encode(text)).Append("</p>");
            }
        }
        body.Append("<p><a href=\"/self-service/login/browser\">Back to sign in</a></p>");
        return Page("Error", body.ToString());
    }

    private static void AppendMessages(StringBuilder body, JsonNode? messages)
    {
        foreach (var message in messages?.AsArray() ?? [])
        {
            var type = message?["type"]?.GetValue<string>() ?? "info";
            body.Append("<p class=\"message ").Append(Html.Encode(type)).Append("\" data-id=\"")
                .Append(message?["id"]?.ToJsonString() ?? "").Append("\">")
                .Append(Html.Encode(message?["text"]?.GetValue<string>() ?? "")).Append("</p>");
        }
    }

    /// <param name="group">Only this group's nodes and the default group's (CSRF), for pages with a form per method.</param>
    private static void AppendForm(StringBuilder body, JsonNode ui, string? group = null)
    {
        body.Append("<form action=\"").Append(Html.Encode(ui["action"]!.GetValue<string>()))
            .Append("\" method=\"").Append(Html.Encode(ui["method"]!.GetValue<string>())).Append("\">");
        foreach (var node in ui["nodes"]?.AsArray() ?? [])
        {
            if (node?["type"]?.GetValue<string>() != "input") continue;
            var nodeGroup = node["group"]?.GetValue<string>();
            if (group is not null && nodeGroup != group && nodeGroup != SelfService.Flows.UiNodeGroups.Default) continue;
            var attributes = node["attributes"]!;
            var name = attributes["name"]?.GetValue<string>() ?? "";
            var type = attributes["type"]?.GetValue<string>() ?? "text";
            var value = attributes["value"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : attributes["value"]?.ToJsonString();
            var label = node["meta"]?["label"]?["text"]?.GetValue<string>() ?? name;
            if (type == "hidden")
            {
                body.Append("<input type=\"hidden\" name=\"").Append(Html.Encode(name)).Append("\" value=\"").Append(Html.Encode(value ?? "")).Append("\">");
                continue;
            }
            if (type is "submit" or "button")
            {
                // Going back to the profile screen must not wait for the password the browser would require.
                body.Append("<p><button type=\"submit\" name=\"").Append(Html.Encode(name)).Append("\" value=\"")
                    .Append(Html.Encode(value ?? "")).Append(name == "screen" ? "\" formnovalidate>" : "\">")
                    .Append(Html.Encode(label)).Append("</button></p>");
                continue;
            }
            body.Append("<p><label>").Append(Html.Encode(label)).Append("<br><input type=\"").Append(Html.Encode(type))
                .Append("\" name=\"").Append(Html.Encode(name)).Append('"');
            if (value is not null && type != "password")
                body.Append(" value=\"").Append(Html.Encode(value)).Append('"');
            if (attributes["required"]?.GetValue<bool>() == true) body.Append(" required");
            if (attributes["autocomplete"]?.GetValue<string>() is { } autocomplete)
                body.Append(" autocomplete=\"").Append(Html.Encode(autocomplete)).Append('"');
            body.Append("></label></p>");
            AppendMessages(body, node["messages"]);
        }
        body.Append("</form>");
    }

    private static IResult Page(string title, string body) => Results.Content($$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Html.Encode(title)}}</title>
        <style>
          body { font-family: system-ui, sans-serif; max-width: 26rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
          input { width: 100%; padding: .4rem; box-sizing: border-box; } button { padding: .5rem 1rem; }
          .message.error { color: #b00020; } .message.success { color: #0a7d32; }
        </style></head>
        <body>{{body}}</body></html>
        """, "text/html; charset=utf-8");
}
