using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Courier.Smtp;
using IdentityServer.Courier.Templates;

namespace IdentityServer.Courier;

/// <summary>
/// Picks how a message leaves: emails over SMTP, or over HTTP with `courier.delivery_strategy: http`;
/// SMS (and any other channel) through the `courier.channels` entry with the message's channel id.
/// Reads the configuration on every message, so a reloaded config applies to the next one.
/// </summary>
public sealed class CourierChannels(ConfigStore config, CourierTemplates templates, SmtpSender smtp, HttpSender http)
{
    public async Task<DispatchFailure?> SendAsync(CourierMessage message, JsonObject model, CancellationToken ct)
    {
        var courier = config.Current.Courier;
        try
        {
            if (message.Channel == OutgoingMessage.Email)
            {
                var html = await templates.RenderAsync(message.TemplateType, TemplatePart.EmailHtml, model, ct);
                if (string.Equals(courier.DeliveryStrategy, "http", StringComparison.OrdinalIgnoreCase))
                {
                    if (courier.Http.RequestConfig is not { Url: { Length: > 0 } } request)
                        return DispatchFailure.Transient("the courier is not configured",
                            "courier.delivery_strategy is http but courier.http.request_config.url is not set");
                    return await http.SendAsync(request, message, model, html, ct);
                }
                return await smtp.SendAsync(courier.Smtp, message, html, ct);
            }
            var channel = courier.Channels.FirstOrDefault(c => c.Id == message.Channel);
            if (channel is null)
                return DispatchFailure.Transient("the courier is not configured",
                    $"no courier channel has the id \"{message.Channel}\"; add one to courier.channels (e.g. id: sms, type: http, request_config: ...)");
            return await http.SendAsync(channel.RequestConfig, message, model, null, ct);
        }
        catch (CourierTemplateException e)
        {
            return DispatchFailure.Permanent("the message could not be rendered", e.Message);
        }
    }
}
