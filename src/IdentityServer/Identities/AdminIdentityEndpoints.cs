using System.Text.Json.Nodes;
using IdentityServer.Errors;
using IdentityServer.Hosting;
using IdentityServer.Persistence;

namespace IdentityServer.Identities;

/// <summary>The admin identities API (admin listener only).</summary>
public static class AdminIdentityEndpoints
{
    public const int BatchLimit = 2000;

    /// <summary>The fields of Kratos's createIdentityBody; Kratos decodes create and batch bodies strictly.</summary>
    private static readonly HashSet<string> CreateFields =
    [
        "credentials", "external_id", "metadata_admin", "metadata_public", "organization_id", "recovery_addresses", "region",
        "schema_id", "state", "traits", "verifiable_addresses",
    ];

    private static readonly HashSet<string> BatchFields = ["identities"];
    private static readonly HashSet<string> BatchItemFields = ["create", "patch_id"];

    /// <summary>As Go's strict JSON decoder: a field the body type does not have is a 400.</summary>
    private static void RefuseUnknownFields(JsonNode? body, HashSet<string> known)
    {
        if (body is not JsonObject o) return;
        foreach (var (key, _) in o)
        {
            if (!known.Contains(key))
                throw new KratosError(400, $"json: unknown field \"{key}\"");
        }
    }

    private static readonly HashSet<string> ReadOnlyFields =
        ["id", "credentials", "schema_url", "state_changed_at", "created_at", "updated_at"];

    public static void MapAdminIdentities(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapAdmin();
        admin.MapPost("/identities", Create);
        admin.MapGet("/identities", List);
        admin.MapPatch("/identities", Batch);
        admin.MapGet("/identities/{id}", Get);
        admin.MapGet("/identities/by/external/{externalId}", GetByExternalId);
        admin.MapPut("/identities/{id}", Replace);
        admin.MapPatch("/identities/{id}", Patch);
        admin.MapDelete("/identities/{id}", Delete);
        admin.MapDelete("/identities/{id}/credentials/{type}", DeleteCredential);
    }

    private static JsonObject Render(Identity identity, IIdentitySchemas schemas, IReadOnlyCollection<string> include, bool withCredentials = true) =>
        IdentityJson.Render(identity, schemas.PublicUrl(identity.SchemaId), withCredentials, include, withAdminMetadata: true);

    private static IResult Json(JsonNode body, int status = 200) =>
        Results.Content(body.ToJsonString(), "application/json; charset=utf-8", statusCode: status);

    private static Guid ParseId(string id) =>
        Guid.TryParse(id, out var g) ? g : throw KratosError.NotFound($"No identity with the id \"{id}\" exists.");

    private static async Task<Identity> Load(IdentityManager manager, string id, CancellationToken ct) =>
        await manager.FindAsync(ParseId(id), ct) ?? throw KratosError.NotFound("Unable to locate the resource");

    private static IReadOnlyList<string> Include(HttpRequest request) =>
        request.Query["include_credential"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();

    private static async Task<IResult> Create(HttpRequest request, IdentityManager manager, IIdentitySchemas schemas, CancellationToken ct)
    {
        var body = await IdentityDraft.ReadBodyAsync(request, ct);
        RefuseUnknownFields(body, CreateFields);
        var draft = IdentityDraft.Parse(body, requireState: false);
        var identity = await manager.CreateAsync(draft, ct);
        return Results.Content(Render(identity, schemas, []).ToJsonString(), "application/json; charset=utf-8", statusCode: 201);
    }

    private static async Task<IResult> Get(string id, HttpRequest request, IdentityManager manager, IIdentitySchemas schemas, CancellationToken ct) =>
        Json(Render(await Load(manager, id, ct), schemas, Include(request)));

    private static async Task<IResult> GetByExternalId(string externalId, HttpRequest request, IdentityManager manager, IIdentitySchemas schemas, CancellationToken ct) =>
        Json(Render(await manager.FindByExternalIdAsync(externalId, ct) ?? throw KratosError.NotFound("Unable to locate the resource"), schemas, Include(request)));

    private static async Task<IResult> Replace(string id, HttpRequest request, IdentityManager manager, IIdentitySchemas schemas, CancellationToken ct)
    {
        var identity = await Load(manager, id, ct);
        var draft = IdentityDraft.Parse(await IdentityDraft.ReadBodyAsync(request, ct), requireState: true, replace: true);
        return Json(Render(await manager.ReplaceAsync(identity, draft, ct), schemas, []));
    }

    private static async Task<IResult> Patch(string id, HttpRequest request, IdentityManager manager, IIdentitySchemas schemas, CancellationToken ct)
    {
        var identity = await Load(manager, id, ct);
        var body = await ErrorHandling.ReadJsonAsync(request, IdentityDraft.MaxBodyBytes, IdentityDraft.MalformedReason, ct);
        var operations = JsonPatch.Parse(body);
        foreach (var op in operations)
        {
            var field = op.Path.TrimStart('/').Split('/')[0];
            if (ReadOnlyFields.Contains(field))
                throw KratosError.BadRequest($"The field `{field}` cannot be changed with a patch.");
        }
        var current = Render(identity, schemas, [], withCredentials: false);
        var patched = JsonPatch.Apply(current, operations) as JsonObject
            ?? throw KratosError.BadRequest("The patched identity is not an object.");
        var draft = IdentityDraft.Parse(patched, requireState: false, replace: true);
        return Json(Render(await manager.ReplaceAsync(identity, draft, ct), schemas, []));
    }

    private static async Task<IResult> Delete(string id, IdentityManager manager, CancellationToken ct)
    {
        await manager.DeleteAsync(await Load(manager, id, ct), ct);
        return Results.NoContent();
    }

    private static async Task<IResult> DeleteCredential(string id, string type, HttpRequest request, IdentityManager manager, CancellationToken ct)
    {
        await manager.DeleteCredentialAsync(await Load(manager, id, ct), type, request.Query["identifier"].LastOrDefault(), ct);
        return Results.NoContent();
    }

    private static async Task<IResult> List(HttpContext context, AppDbContext db, IIdentitySchemas schemas, CancellationToken ct)
    {
        var list = IdentityList.FromQuery(context.Request.Query);
        var (page, next) = await list.RunAsync(db, ct);
        var links = new List<string>();
        var basePath = context.Request.Path.ToString();
        var keep = context.Request.Query.Where(q => q.Key is not ("page_token" or "page" or "per_page" or "page_size"))
            .SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}")).ToList();
        string Link(string? token) =>
            basePath + "?" + string.Join("&", keep.Append($"page_size={list.PageSize}").Concat(token is null ? [] : [$"page_token={token}"]));
        links.Add($"<{Link(null)}>; rel=\"first\"");
        if (next is { } n)
            links.Add($"<{Link(IdentityList.EncodeToken(n))}>; rel=\"next\"");
        context.Response.Headers["Link"] = string.Join(",", links);
        var body = new JsonArray(page.Select(i => (JsonNode)IdentityJson.Render(i, schemas.PublicUrl(i.SchemaId),
            withCredentials: list.IncludeCredential.Count > 0, list.IncludeCredential, withAdminMetadata: true)).ToArray());
        return Json(body);
    }

    private static async Task<IResult> Batch(HttpContext context, IdentityManager manager, CancellationToken ct)
    {
        var body = await IdentityDraft.ReadBodyAsync(context.Request, ct);
        RefuseUnknownFields(body, BatchFields);
        if (body["identities"] is not JsonArray items)
            throw KratosError.BadRequest("The field `identities` must be an array of patches.");
        foreach (var item in items)
        {
            if (item is not JsonObject)
                throw KratosError.BadRequest("Each entry of `identities` must be an object with a `create` object.");
            RefuseUnknownFields(item, BatchItemFields);
            RefuseUnknownFields(item["create"], CreateFields);
        }
        if (items.Count > BatchLimit)
            throw KratosError.BadRequest($"A batch takes at most {BatchLimit} identities; this one has {items.Count}.");
        // Each item is parsed lazily so that a malformed one becomes that item's error.
        var drafts = items.Select<JsonNode?, Func<IdentityDraft>>(item => () => item?["create"] is JsonObject create
            ? IdentityDraft.Parse(create, requireState: false)
            : throw KratosError.BadRequest("Each patch needs a `create` object.")).ToList();
        var outcomes = await manager.CreateManyAsync(drafts, ct);
        var results = new JsonArray();
        for (var i = 0; i < items.Count; i++)
        {
            var result = new JsonObject();
            var (identity, error) = outcomes[i];
            if (identity is not null)
            {
                result["action"] = "create";
                result["identity"] = identity.Id.ToString();
            }
            else
            {
                result["action"] = "error";
                result["error"] = error!.ToJson(context.TraceIdentifier)["error"]!.DeepClone();
            }
            if (items[i]?["patch_id"] is JsonValue p && p.TryGetValue<string>(out var patchId))
                result["patch_id"] = patchId;
            results.Add(result);
        }
        return Json(new JsonObject { ["identities"] = results });
    }
}
