using Orchestrator.Data;
using Orchestrator.Migrations.Running;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// FluentMigrator's "VersionInfo" (quoted, case-sensitive names, unique index "UC_Version", no
/// primary key) in the search path's schema, the tool's history table, and an advisory lock.
/// Advisory locks belong to one database, so one fixed key serves every database.
/// </summary>
internal sealed class PostgresMigrationStore : IMigrationStore
{
    private const long LockKey = 0x4F52_4348_4D49_4752; // "ORCHMIGR"

    public bool TransactionalDdl => true;

    public string BeginTransactionSql => "BEGIN";

    public bool BatchIsAtomic => true;

    /// <summary>None needed: the batch's transaction start, now(), is the clock.</summary>
    public IReadOnlyList<SqlStatement> BatchPrologue => [];

    public async Task EnsureTablesAsync(IDbSession session, CancellationToken cancellationToken)
    {
        await session.ExecuteAsync("""CREATE TABLE IF NOT EXISTS "VersionInfo" ("Version" bigint NOT NULL, "AppliedOn" timestamp, "Description" varchar(1024))""", cancellationToken: cancellationToken);
        await session.ExecuteAsync("""CREATE UNIQUE INDEX IF NOT EXISTS "UC_Version" ON "VersionInfo" ("Version")""", cancellationToken: cancellationToken);
        await session.ExecuteAsync(
            """CREATE TABLE IF NOT EXISTS orchestrator_history (version bigint PRIMARY KEY, checksum char(64) NOT NULL, duration_ms bigint NOT NULL, applied_from varchar(512) NOT NULL, applied_on timestamp NOT NULL)""",
            cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var tables = (await session.QueryAsync(
            """SELECT to_regclass('"VersionInfo"') IS NOT NULL AS versions, to_regclass('orchestrator_history') IS NOT NULL AS history""",
            cancellationToken: cancellationToken)).Single();
        if (tables.GetBoolean("versions") != true)
        {
            return [];
        }

        var sql = tables.GetBoolean("history") == true
            ? """SELECT v."Version" AS version, v."AppliedOn" AS applied_on, v."Description" AS description, h.checksum, h.duration_ms, h.applied_from FROM "VersionInfo" v LEFT JOIN orchestrator_history h ON h.version = v."Version" ORDER BY v."Version" """
            : """SELECT "Version" AS version, "AppliedOn" AS applied_on, "Description" AS description, NULL AS checksum, NULL::bigint AS duration_ms, NULL AS applied_from FROM "VersionInfo" ORDER BY "Version" """;
        return (await session.QueryAsync(sql, cancellationToken: cancellationToken))
            .Select(r => new AppliedMigration(r.GetInt64("version")!.Value, r["applied_on"] as DateTime?, r.GetString("description"), r.GetString("checksum"), r.GetInt64("duration_ms"), r.GetString("applied_from")))
            .ToList();
    }

    public IReadOnlyList<SqlStatement> Record(AppliedMigration migration) =>
    [
        new("""INSERT INTO "VersionInfo" ("Version", "AppliedOn", "Description") VALUES ($1, now() AT TIME ZONE 'UTC', $2)""", [migration.Version, Truncate(migration.Description)]),
        new(
            """
            INSERT INTO orchestrator_history (version, checksum, duration_ms, applied_from, applied_on)
            VALUES ($1, $2, COALESCE($3, (extract(epoch FROM clock_timestamp() - now()) * 1000)::bigint), $4, now() AT TIME ZONE 'UTC')
            ON CONFLICT (version) DO UPDATE SET checksum = EXCLUDED.checksum, duration_ms = EXCLUDED.duration_ms, applied_from = EXCLUDED.applied_from, applied_on = EXCLUDED.applied_on
            """,
            [migration.Version, migration.Checksum, migration.DurationMs, migration.AppliedFrom]),
    ];

    public IReadOnlyList<SqlStatement> Remove(long version) =>
    [
        new("""DELETE FROM "VersionInfo" WHERE "Version" = $1""", [version]),
        new("DELETE FROM orchestrator_history WHERE version = $1", [version]),
    ];

    public async Task<bool> TryLockAsync(IDbSession session, string database, CancellationToken cancellationToken) =>
        (await session.QueryAsync("SELECT pg_try_advisory_lock($1) AS locked", [LockKey], cancellationToken)).Single().GetBoolean("locked") == true;

    public async Task<string?> LockHolderAsync(IDbSession session, string database, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(
            """
            SELECT pid FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND ((classid::bigint << 32) | objid::bigint) = $1
            """,
            [LockKey],
            cancellationToken);
        return rows.Count == 0 ? null : $"server process {rows[0].GetInt64("pid")}";
    }

    public Task UnlockAsync(IDbSession session, string database, CancellationToken cancellationToken) =>
        session.ExecuteAsync("SELECT pg_advisory_unlock($1)", [LockKey], cancellationToken);

    public async Task<string> CommitPositionAsync(IDbSession primary, CancellationToken cancellationToken) =>
        (await primary.QueryAsync("SELECT pg_current_wal_lsn()::text AS lsn", cancellationToken: cancellationToken)).Single().GetString("lsn")!;

    /// <summary>PostgreSQL 15 has no server-side wait for replay, so this polls every millisecond or so.</summary>
    public async Task<bool> WaitForReplayAsync(IDbSession replica, string position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var replayed = (await replica.QueryAsync("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done", [position], cancellationToken)).Single().GetBoolean("done");
            if (replayed == true)
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(1, cancellationToken);
        }
    }

    /// <summary>3D000: invalid_catalog_name, the database does not exist (yet).</summary>
    public bool IsNotYetReplicated(DatabaseException error) => error.Code == "3D000";

    public async Task<bool> HasVersionAsync(IDbSession session, long version, CancellationToken cancellationToken) =>
        (await session.QueryAsync("""SELECT 1 FROM "VersionInfo" WHERE "Version" = $1""", [version], cancellationToken)).Count == 1;

    private static string? Truncate(string? description) => description is { Length: > 1024 } ? description[..1024] : description;
}
