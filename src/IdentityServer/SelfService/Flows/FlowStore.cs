using System.Text.Json.Nodes;
using IdentityServer.Persistence;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Flows;

/// <summary>Reads and writes flows and flow errors; nothing about a flow is kept in process memory.</summary>
public sealed class FlowStore(AppDbContext db, TimeProvider clock)
{
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task AddAsync(FlowRecord flow, UiContainer ui, CancellationToken ct)
    {
        flow.Ui = ui.ToJsonString();
        flow.CreatedAt = flow.UpdatedAt = Now;
        db.Add(flow);
        await db.SaveChangesAsync(ct);
    }

    public Task<FlowRecord?> FindAsync(Guid id, string kind, CancellationToken ct) =>
        db.Set<FlowRecord>().SingleOrDefaultAsync(f => f.Id == id && f.Kind == kind, ct);

    public async Task UpdateAsync(FlowRecord flow, UiContainer ui, CancellationToken ct)
    {
        flow.Ui = ui.ToJsonString();
        flow.UpdatedAt = Now;
        if (db.Entry(flow).State == EntityState.Detached) db.Update(flow);
        await db.SaveChangesAsync(ct);
    }

    public async Task<Guid> AddErrorAsync(JsonObject error, CancellationToken ct)
    {
        var record = new FlowErrorRecord { Id = Guid.NewGuid(), Error = error.ToJsonString(), CreatedAt = Now, UpdatedAt = Now };
        db.Add(record);
        await db.SaveChangesAsync(ct);
        return record.Id;
    }

    public Task<FlowErrorRecord?> FindErrorAsync(Guid id, CancellationToken ct) =>
        db.Set<FlowErrorRecord>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct);
}
