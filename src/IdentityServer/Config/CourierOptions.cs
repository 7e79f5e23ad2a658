using System.Text.Json.Nodes;

namespace IdentityServer.Config;

public sealed class CourierOptions
{
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>smtp or http.</summary>
    public string DeliveryStrategy { get; set; } = "smtp";

    public CourierHttpOptions Http { get; set; } = new();
    public List<CourierChannelOptions> Channels { get; set; } = [];
    public string? TemplateOverridePath { get; set; }

    /// <summary>Template overrides as written (per template: valid/invalid, email/sms, subject/body URLs).</summary>
    public JsonObject? Templates { get; set; }

    public int MessageRetries { get; set; } = 5;
    public CourierWorkerOptions Worker { get; set; } = new();
}

public sealed class SmtpOptions
{
    public string? ConnectionUri { get; set; }
    public string ClientCertPath { get; set; } = "";
    public string ClientKeyPath { get; set; } = "";
    public string FromAddress { get; set; } = "no-reply@ory.kratos.sh";
    public string? FromName { get; set; }
    public Dictionary<string, string> Headers { get; set; } = [];
    public string LocalName { get; set; } = "localhost";
}

public sealed class CourierHttpOptions
{
    public HttpRequestOptions? RequestConfig { get; set; }
}

public sealed class CourierChannelOptions
{
    public string Id { get; set; } = "";
    public string Type { get; set; } = "http";
    public HttpRequestOptions RequestConfig { get; set; } = new();
}

/// <summary>An outgoing HTTP call whose body is rendered from a Jsonnet template.</summary>
public sealed class HttpRequestOptions
{
    public string? Url { get; set; }
    public string Method { get; set; } = "POST";
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>file://, http(s):// or base64:// location of the Jsonnet body template.</summary>
    public string? Body { get; set; }

    /// <summary>{ type: api_key|basic_auth, config: {...} } as written.</summary>
    public JsonObject? Auth { get; set; }
}

public sealed class CourierWorkerOptions
{
    public int PullCount { get; set; } = 10;
    public TimeSpan PullWait { get; set; } = TimeSpan.FromSeconds(1);
}
