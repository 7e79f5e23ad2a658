using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace IdentityServer.Errors;

/// <summary>The one place that turns failures and bare status codes into Kratos's error shape.</summary>
public static class ErrorHandling
{
    public static Task WriteAsync(HttpContext context, KratosError error)
    {
        if (context.Response.HasStarted)
            return Task.CompletedTask;
        context.Response.Clear();
        context.Response.Headers[Hosting.RequestIdMiddleware.Header] = context.TraceIdentifier;
        context.Response.StatusCode = error.Code;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(error.ToJson(context.TraceIdentifier).ToJsonString());
    }

    public static void UseKratosErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = _ => 500,
            ExceptionHandler = async context =>
            {
                var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                var error = Translate(exception);
                if (error.Code >= 500)
                    app.Logger.LogError(exception, "Request {RequestId} failed", context.TraceIdentifier);
                await WriteAsync(context, error);
            },
        });
        app.UseStatusCodePages(async statusContext =>
        {
            var context = statusContext.HttpContext;
            var code = context.Response.StatusCode;
            if (code < 400 || context.Response.ContentLength > 0 || context.Response.ContentType is not null)
                return;
            await WriteAsync(context, new KratosError(code, KratosError.DefaultMessage(code)));
        });
    }

    public static KratosError Translate(Exception? exception) => exception switch
    {
        KratosError k => k,
        BadHttpRequestException { StatusCode: 413 } => KratosError.PayloadTooLarge("The request body exceeds the size limit."),
        BadHttpRequestException b => new KratosError(b.StatusCode, KratosError.DefaultMessage(b.StatusCode), reason: b.Message),
        JsonException j => KratosError.BadRequest("The request body is not valid JSON: " + j.Message),
        _ => new KratosError(500, KratosError.DefaultMessage(500)),
    };

    /// <summary>
    /// Reads a JSON request body of at most <paramref name="maxBytes"/>: larger is 413, malformed JSON is
    /// 400 with the reason prefix and the parser's message.
    /// </summary>
    public static async Task<JsonNode?> ReadJsonAsync(HttpRequest request, long maxBytes, string malformedReason, CancellationToken ct)
    {
        LimitBody(request.HttpContext, maxBytes);
        try
        {
            return await Security.RequestJson.ParseAsync(request.Body, ct);
        }
        catch (JsonException e)
        {
            throw KratosError.BadRequest(malformedReason + e.Message);
        }
        catch (Security.NulCharacterException e)
        {
            throw Security.RequestJson.BadRequest(e);
        }
    }

    /// <summary>Rejects bodies larger than the limit before they are read.</summary>
    public static void LimitBody(HttpContext context, long maxBytes)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
            feature.MaxRequestBodySize = maxBytes;
        if (context.Request.ContentLength > maxBytes)
            throw KratosError.PayloadTooLarge($"The request body exceeds the limit of {maxBytes} bytes.");
    }
}
