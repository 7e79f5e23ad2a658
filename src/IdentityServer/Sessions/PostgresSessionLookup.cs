using System.Data;
using IdentityServer.Identities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace IdentityServer.Sessions;

/// <summary>
/// The whoami lookup on PostgreSQL as one prepared statement. The same join sent unprepared (as EF
/// sends it) spends most of its time in the planner on every call; prepared, it is planned once per
/// connection. Rows repeat the session for every address/device combination, so children are
/// de-duplicated by id.
/// </summary>
internal static class PostgresSessionLookup
{
    private const string Sql =
        "SELECT s.id, s.identity_id, s.active, s.expires_at, s.authenticated_at, s.issued_at, s.aal, s.authentication_methods::text, " +
        "s.created_at, s.updated_at, i.schema_id, i.traits::text, i.state, i.state_changed_at, i.metadata_public::text, " +
        "i.metadata_admin::text, i.external_id, i.organization_id, i.available_aal, i.created_at, i.updated_at, " +
        "v.id, v.via, v.value, v.verified, v.status, v.verified_at, v.created_at, v.updated_at, " +
        "r.id, r.via, r.value, r.created_at, r.updated_at, " +
        "d.id, d.ip_address, d.user_agent, d.location, d.created_at, d.updated_at " +
        "FROM sessions s JOIN identities i ON i.id = s.identity_id " +
        "LEFT JOIN identity_verifiable_addresses v ON v.identity_id = s.identity_id " +
        "LEFT JOIN identity_recovery_addresses r ON r.identity_id = s.identity_id " +
        "LEFT JOIN session_devices d ON d.session_id = s.id " +
        "WHERE s.token_hash = $1";

    public static async Task<SessionRecord?> ByTokenHashAsync(DbContext db, string hash, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var mustClose = connection.State != ConnectionState.Open;
        if (mustClose)
            await connection.OpenAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(Sql, connection)
            {
                Transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction,
            };
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = hash });
            await command.PrepareAsync(ct);
            await using var reader = await command.ExecuteReaderAsync(ct);
            SessionRecord? session = null;
            while (await reader.ReadAsync(ct))
            {
                session ??= ReadSession(reader);
                AddChildren(reader, session);
            }
            return session;
        }
        finally
        {
            if (mustClose)
                await connection.CloseAsync();
        }
    }

    private static void AddChildren(NpgsqlDataReader r, SessionRecord session)
    {
        var identity = session.Identity!;
        if (!r.IsDBNull(21) && r.GetGuid(21) is var vId && !identity.VerifiableAddresses.Exists(a => a.Id == vId))
            identity.VerifiableAddresses.Add(new IdentityVerifiableAddress
            {
                Id = vId, IdentityId = identity.Id, Via = r.GetString(22), Value = r.GetString(23), Verified = r.GetBoolean(24),
                Status = r.GetString(25), VerifiedAt = NullableTime(r, 26), CreatedAt = r.GetDateTime(27), UpdatedAt = r.GetDateTime(28),
            });
        if (!r.IsDBNull(29) && r.GetGuid(29) is var rId && !identity.RecoveryAddresses.Exists(a => a.Id == rId))
            identity.RecoveryAddresses.Add(new IdentityRecoveryAddress
            {
                Id = rId, IdentityId = identity.Id, Via = r.GetString(30), Value = r.GetString(31),
                CreatedAt = r.GetDateTime(32), UpdatedAt = r.GetDateTime(33),
            });
        if (!r.IsDBNull(34) && r.GetGuid(34) is var dId && !session.Devices.Exists(d => d.Id == dId))
            session.Devices.Add(new SessionDevice
            {
                Id = dId, SessionId = session.Id, IpAddress = NullableString(r, 35), UserAgent = NullableString(r, 36),
                Location = NullableString(r, 37), CreatedAt = r.GetDateTime(38), UpdatedAt = r.GetDateTime(39),
            });
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
