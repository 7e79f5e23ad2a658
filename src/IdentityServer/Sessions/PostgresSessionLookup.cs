using System.Data;
using IdentityServer.Identities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace IdentityServer.Sessions;

/// <summary>
/// The whoami lookup on PostgreSQL: four simple prepared statements sent as one batch (one round
/// trip). A single EF query joining all five tables spends most of its time in the planner on
/// every call; these statements are planned once per connection.
/// </summary>
internal static class PostgresSessionLookup
{
    private const string SessionSql =
        "SELECT s.id, s.identity_id, s.active, s.expires_at, s.authenticated_at, s.issued_at, s.aal, s.authentication_methods::text, " +
        "s.created_at, s.updated_at, i.schema_id, i.traits::text, i.state, i.state_changed_at, i.metadata_public::text, " +
        "i.metadata_admin::text, i.external_id, i.organization_id, i.available_aal, i.created_at, i.updated_at " +
        "FROM sessions s JOIN identities i ON i.id = s.identity_id WHERE s.token_hash = $1";

    private const string VerifiableSql =
        "SELECT id, identity_id, via, value, verified, status, verified_at, created_at, updated_at FROM identity_verifiable_addresses " +
        "WHERE identity_id = (SELECT identity_id FROM sessions WHERE token_hash = $1)";

    private const string RecoverySql =
        "SELECT id, identity_id, via, value, created_at, updated_at FROM identity_recovery_addresses " +
        "WHERE identity_id = (SELECT identity_id FROM sessions WHERE token_hash = $1)";

    private const string DevicesSql =
        "SELECT id, session_id, ip_address, user_agent, location, created_at, updated_at FROM session_devices " +
        "WHERE session_id = (SELECT id FROM sessions WHERE token_hash = $1)";

    public static async Task<SessionRecord?> ByTokenHashAsync(DbContext db, string hash, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var mustClose = connection.State != ConnectionState.Open;
        if (mustClose)
            await connection.OpenAsync(ct);
        try
        {
            await using var batch = new NpgsqlBatch(connection)
            {
                Transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction,
            };
            foreach (var sql in new[] { SessionSql, VerifiableSql, RecoverySql, DevicesSql })
            {
                var command = new NpgsqlBatchCommand(sql);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = hash });
                batch.BatchCommands.Add(command);
            }
            await batch.PrepareAsync(ct);
            await using var reader = await batch.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
                return null;
            var session = ReadSession(reader);
            var identity = session.Identity!;
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                identity.VerifiableAddresses.Add(new IdentityVerifiableAddress
                {
                    Id = reader.GetGuid(0), IdentityId = reader.GetGuid(1), Via = reader.GetString(2), Value = reader.GetString(3),
                    Verified = reader.GetBoolean(4), Status = reader.GetString(5), VerifiedAt = NullableTime(reader, 6),
                    CreatedAt = reader.GetDateTime(7), UpdatedAt = reader.GetDateTime(8),
                });
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                identity.RecoveryAddresses.Add(new IdentityRecoveryAddress
                {
                    Id = reader.GetGuid(0), IdentityId = reader.GetGuid(1), Via = reader.GetString(2), Value = reader.GetString(3),
                    CreatedAt = reader.GetDateTime(4), UpdatedAt = reader.GetDateTime(5),
                });
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                session.Devices.Add(new SessionDevice
                {
                    Id = reader.GetGuid(0), SessionId = reader.GetGuid(1), IpAddress = NullableString(reader, 2),
                    UserAgent = NullableString(reader, 3), Location = NullableString(reader, 4),
                    CreatedAt = reader.GetDateTime(5), UpdatedAt = reader.GetDateTime(6),
                });
            return session;
        }
        finally
        {
            if (mustClose)
                await connection.CloseAsync();
        }
    }

    private static SessionRecord ReadSession(NpgsqlDataReader r) => new()
    {
        Id = r.GetGuid(0),
        IdentityId = r.GetGuid(1),
        Active = r.GetBoolean(2),
        ExpiresAt = r.GetDateTime(3),
        AuthenticatedAt = r.GetDateTime(4),
        IssuedAt = r.GetDateTime(5),
        Aal = r.GetString(6),
        AuthenticationMethods = r.GetString(7),
        CreatedAt = r.GetDateTime(8),
        UpdatedAt = r.GetDateTime(9),
        Identity = new Identity
        {
            Id = r.GetGuid(1),
            SchemaId = r.GetString(10),
            Traits = r.GetString(11),
            State = r.GetString(12),
            StateChangedAt = NullableTime(r, 13),
            MetadataPublic = NullableString(r, 14),
            MetadataAdmin = NullableString(r, 15),
            ExternalId = NullableString(r, 16),
            OrganizationId = r.IsDBNull(17) ? null : r.GetGuid(17),
            AvailableAal = NullableString(r, 18),
            CreatedAt = r.GetDateTime(19),
            UpdatedAt = r.GetDateTime(20),
        },
    };

    private static string? NullableString(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static DateTime? NullableTime(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDateTime(i);
}
