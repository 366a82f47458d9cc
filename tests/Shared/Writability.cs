using Orchestrator.Data;
using Orchestrator.Environments;

namespace Orchestrator.TestSupport;

/// <summary>
/// Whether a node takes writes, as its server says: PostgreSQL's recovery state, MariaDB's
/// read_only. read_only binds the tool's admin account because it has no READ ONLY ADMIN, so the
/// flag answers for the clients the tests connect as.
/// </summary>
internal static class Writability
{
    public static async Task<bool> IsWritableAsync(IDbSession session, EngineKind engine, CancellationToken cancellationToken = default)
    {
        var sql = engine == EngineKind.Postgres
            ? "SELECT CASE WHEN pg_is_in_recovery() THEN 0 ELSE 1 END AS writable"
            : "SELECT CASE WHEN @@read_only = 0 THEN 1 ELSE 0 END AS writable";
        return (await session.QueryAsync(sql, cancellationToken: cancellationToken)).Single().GetInt64("writable") == 1;
    }

    /// <summary>An insert of one id into <paramref name="table"/>, in the engine's placeholder syntax.</summary>
    public static string InsertId(EngineKind engine, string table) =>
        engine == EngineKind.Postgres ? $"INSERT INTO {table} (id) VALUES ($1)" : $"INSERT INTO {table} (id) VALUES (?)";
}
