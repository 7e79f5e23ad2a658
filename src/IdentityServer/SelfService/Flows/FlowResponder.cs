using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.Identities;

namespace IdentityServer.SelfService.Flows;

/// <summary>
/// The one place that answers flow requests. Browsers posting forms get 303 redirects; clients that
/// ask for JSON get the flow or the error as JSON, and 422 `browser_location_change_required`
/// where a browser would have been redirected; API flows always get JSON.
/// </summary>
public sealed class FlowResponder(ConfigStore configStore, FlowStore store)
{
    private KratosConfig Config => configStore.Current;

    public static bool WantsJson(HttpContext http)
    {
        var accept = http.Request.Headers.Accept.ToString();
        var contentType = http.Request.ContentType ?? "";
        return accept.Contains("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A browser that is sent by redirect rather than given JSON.</summary>
    public static bool Redirects(HttpContext http, FlowRecord? flow) =>
        (flow is null || flow.Type == FlowTypes.Browser) && !WantsJson(http);

    public string UiUrl(string kind) => FlowFactory.OptionsFor(Config, kind).UiUrl;

    public string FlowUiUrl(FlowRecord flow) => PublicUrls.WithQuery(UiUrl(flow.Kind), "flow", flow.Id.ToString());

    /// <summary>A new or fetched flow: 303 to the UI for browsers, else the flow as JSON.</summary>
    /// <param name="identity">The identity a settings flow shows.</param>
    public Task FlowCreatedAsync(HttpContext http, FlowRecord flow, JsonObject? identity = null)
    {
        if (Redirects(http, flow)) return RedirectAsync(http, FlowUiUrl(flow));
        return JsonAsync(http, 200, FlowJson.Render(flow, identity));
    }

    /// <summary>The flow with its messages: 303 back to the UI for form posts, else 400 with the flow.</summary>
    public Task ValidationFailedAsync(HttpContext http, FlowValidationException failure, CancellationToken ct, JsonObject? identity = null) =>
        ShowFormAsync(http, failure.Flow, failure.Ui, ct, identity);

    /// <summary>
    /// Saves the flow's form and shows it again, as Kratos does both for validation errors and for the next
    /// screen of a multi-step flow: 303 back to the UI for form posts, else 400 with the flow.
    /// </summary>
    public async Task ShowFormAsync(HttpContext http, FlowRecord flow, UiContainer ui, CancellationToken ct, JsonObject? identity = null)
    {
        await store.UpdateAsync(flow, ui, ct);
        if (Redirects(http, flow)) await RedirectAsync(http, FlowUiUrl(flow));
        else await JsonAsync(http, 400, FlowJson.Render(flow, identity));
    }

    /// <summary>An expired flow was replaced by <paramref name="fresh"/>.</summary>
    public Task ExpiredAsync(HttpContext http, FlowRecord fresh, FlowError error) =>
        Redirects(http, fresh) ? RedirectAsync(http, FlowUiUrl(fresh)) : ErrorJsonAsync(http, error);

    /// <summary>
    /// Answers a submission to an expired flow with its replacement: the fresh flow gets its kind's
    /// "expired" message and is saved. A link opened from a message goes to the fresh flow's UI; every
    /// other request is answered as <see cref="ExpiredAsync"/>.
    /// </summary>
    public async Task ReplaceExpiredAsync(HttpContext http, FlowRecord expired, FlowRecord fresh, UiContainer freshUi,
        Func<DateTimeOffset, DateTimeOffset, Text.UiText> expiredMessage, CancellationToken ct, bool openedLink = false)
    {
        var now = store.Now;
        freshUi.AddMessage(expiredMessage(new DateTimeOffset(expired.ExpiresAt, TimeSpan.Zero), new DateTimeOffset(now, TimeSpan.Zero)));
        await store.UpdateAsync(fresh, freshUi, ct);
        if (openedLink) await RedirectAsync(http, FlowUiUrl(fresh));
        else await ExpiredAsync(http, fresh, FlowErrors.Expired(fresh.Id, expired.ExpiresAt, now));
    }

    /// <summary>Any other error: browsers go to the error UI with a stored error; everyone else gets JSON.</summary>
    public async Task ErrorAsync(HttpContext http, FlowRecord? flow, KratosError error, CancellationToken ct)
    {
        // As in Kratos, a bad request met while a login or registration flow is submitted (a malformed body, a
        // browser header on an API flow) is shown on the flow's form as message 4000001, not as an error page.
        if (flow is not null && error.Code == 400 && error is not FlowError && flow.Kind is FlowKinds.Login or FlowKinds.Registration)
        {
            var ui = UiContainer.Parse(flow.Ui);
            ui.ResetMessages();
            ui.AddMessage(Text.Messages.ValidationGeneric(error.Reason ?? error.ErrorMessage));
            await ShowFormAsync(http, flow, ui, ct);
            return;
        }
        if (!Redirects(http, flow))
        {
            await ErrorJsonAsync(http, error);
            return;
        }
        var stored = (JsonObject)error.ToJson(null)["error"]!.DeepClone();
        var id = await store.AddErrorAsync(stored, ct);
        await RedirectAsync(http, PublicUrls.WithQuery(Config.SelfService.Flows.Error.UiUrl, "id", id.ToString()));
    }

    /// <summary>A browser must go somewhere: 303 for form posts, 422 with redirect_browser_to for JSON.</summary>
    public Task BrowserLocationAsync(HttpContext http, string url) =>
        WantsJson(http) ? ErrorJsonAsync(http, FlowErrors.BrowserLocationChangeRequired(url)) : RedirectAsync(http, url);

    /// <summary>A finished flow: 303 to where the browser goes next, else the result as JSON.</summary>
    public Task SucceededAsync(HttpContext http, FlowRecord flow, JsonObject body, string browserTarget) =>
        Redirects(http, flow) ? RedirectAsync(http, browserTarget) : JsonAsync(http, 200, body);

    public static Task RedirectAsync(HttpContext http, string url)
    {
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
        http.Response.Headers.Location = url;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync("");
    }

    public static Task JsonAsync(HttpContext http, int status, JsonNode body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        return http.Response.WriteAsync(body.ToJsonString());
    }

    /// <summary>The error as JSON, keeping cookies already set on the response.</summary>
    public static Task ErrorJsonAsync(HttpContext http, KratosError error)
    {
        http.Response.StatusCode = error.Code;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers[Hosting.RequestIdMiddleware.Header] = http.TraceIdentifier;
        return http.Response.WriteAsync(error.ToJson(http.TraceIdentifier).ToJsonString());
    }

    /// <summary>`GET /self-service/errors?id=`: an error stored for the error UI.</summary>
    public async Task<IResult> GetErrorAsync(string? id, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var guid) || await store.FindErrorAsync(guid, ct) is not { } record)
            throw KratosError.NotFound("The requested error could not be found.");
        return Results.Json(new JsonObject
        {
            ["id"] = record.Id.ToString(),
            ["error"] = JsonNode.Parse(record.Error),
            ["created_at"] = IdentityJson.Time(record.CreatedAt),
            ["updated_at"] = IdentityJson.Time(record.UpdatedAt),
        });
    }
}
