using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GoTemplates;
using GoTemplates.Sprig;
using IdentityServer.Config;

namespace IdentityServer.Courier.Templates;

/// <summary>
/// Finds and renders courier templates the way Kratos does. For each piece (subject, HTML body,
/// plaintext body, SMS text) the first of these wins:
/// 1. the per-type override `courier.templates.&lt;type&gt;.&lt;valid|invalid&gt;.email.subject` (and body.html,
///    body.plaintext, sms.body.plaintext) as file://, base64:// or http(s)://;
/// 2. `&lt;courier.template_override_path&gt;/&lt;type&gt;/&lt;valid|invalid&gt;/email.subject.gotmpl` (default, as in Kratos,
///    /conf/courier-template), parsed together with
///    the files next to it whose names start the same way (`email.subject*`), as Kratos's glob does;
/// 3. the built-in template compiled into the server (the repository's email-templates folder).
/// </summary>
public sealed class CourierTemplates(ConfigStore config, TemplateSource source)
{
    private const string ResourcePrefix = "email-templates/";
    /// <summary>Kratos's default for courier.template_override_path, where its container images look.</summary>
    public const string KratosDefaultOverridePath = "/conf/courier-template";
    private static readonly ConcurrentDictionary<string, GoTemplate> Parsed = new();

    public static IReadOnlyDictionary<string, TemplateFunction> Functions => SprigFunctions.Full;

    public async Task<string> RenderAsync(string templateType, TemplatePart part, JsonObject model, CancellationToken ct)
    {
        var kind = TemplateKind.Find(templateType)
            ?? throw new CourierTemplateException($"there is no template of type \"{templateType}\"; known types: {string.Join(", ", TemplateKind.All.Select(k => k.Type))}");
        if (part == TemplatePart.SmsBody && !kind.HasSms)
            throw new CourierTemplateException($"there is no SMS template for {templateType}");
        var (template, origin) = await LoadAsync(kind, part, config.Current.Courier, ct);
        try
        {
            var text = template.Execute(model);
            return part == TemplatePart.EmailSubject ? text.Trim() : text;
        }
        catch (TemplateExecutionException e)
        {
            throw new CourierTemplateException($"{origin}: {e.Message}", e);
        }
    }

    private async Task<(GoTemplate Template, string Origin)> LoadAsync(TemplateKind kind, TemplatePart part, CourierOptions courier, CancellationToken ct)
    {
        var mode = part.Html ? TemplateMode.Html : TemplateMode.Text;
        if (OverrideLocation(courier.Templates, kind, part) is { } location)
        {
            var text = await source.ReadAsync(location, ct);
            var origin = TemplateSource.Shorten(location);
            return (Parse(origin, part.FileName, [new(part.FileName, text)], mode), origin);
        }
        var root = string.IsNullOrEmpty(courier.TemplateOverridePath) ? KratosDefaultOverridePath : courier.TemplateOverridePath;
        var folder = Path.Combine(root, kind.Folder);
        var main = Path.Combine(folder, part.FileName);
        if (File.Exists(main))
        {
            var files = new List<KeyValuePair<string, string>>();
            foreach (var path in Directory.GetFiles(folder, part.Pattern + "*").Order(StringComparer.Ordinal))
                files.Add(new(Path.GetFileName(path), await File.ReadAllTextAsync(path, ct)));
            return (Parse(main, part.FileName, files, mode), main);
        }
        var resource = ResourcePrefix + kind.Folder + "/" + part.FileName;
        var builtIn = BuiltIn(resource) ?? throw new CourierTemplateException($"there is no built-in template {kind.Folder}/{part.FileName}");
        return (Parse("built-in " + resource, part.FileName, [new(part.FileName, builtIn)], mode), "built-in " + resource);
    }

    /// <summary>courier.templates.&lt;group&gt;[.&lt;valid|invalid&gt;].email.subject and the like.</summary>
    private static string? OverrideLocation(JsonObject? templates, TemplateKind kind, TemplatePart part)
    {
        JsonNode? node = templates?[kind.Group];
        if (kind.Validity is not null)
            node = node?[kind.Validity];
        foreach (var key in part.ConfigPath)
            node = node is JsonObject o ? o[key] : null;
        return node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
    }

    private static GoTemplate Parse(string origin, string name, List<KeyValuePair<string, string>> files, TemplateMode mode)
    {
        var key = Key(name, files, mode);
        if (Parsed.TryGetValue(key, out var hit))
            return hit;
        try
        {
            var template = GoTemplate.ParseFiles(name, files, mode, Functions);
            if (Parsed.Count > 256) Parsed.Clear();
            Parsed[key] = template;
            return template;
        }
        catch (TemplateParseException e)
        {
            throw new CourierTemplateException($"{origin}: {e.Message}", e);
        }
    }

    private static string Key(string name, List<KeyValuePair<string, string>> files, TemplateMode mode)
    {
        var sb = new StringBuilder().Append((int)mode).Append('\0').Append(name);
        foreach (var (file, text) in files)
            sb.Append('\0').Append(file).Append('\0').Append(text);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    public static string? BuiltIn(string resource)
    {
        using var stream = typeof(CourierTemplates).Assembly.GetManifestResourceStream(resource);
        if (stream is null) return null;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
