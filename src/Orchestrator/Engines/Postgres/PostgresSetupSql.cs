using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Replication;

namespace Orchestrator.Engines.Postgres;

/// <summary>What the tool itself does in a local PostgreSQL node's SQL: its accounts and the replication slots of its replicas.</summary>
internal sealed class PostgresSetupSql(PostgresEngine engine, LocalContext context)
{
    /// <summary>
    /// An admin session for the tool's own setup, committing without waiting for synchronous
    /// standbys: while an environment is being built they do not exist yet, and they are cloned
    /// from this node afterwards anyway.
    /// </summary>
    public async Task<IDbSession> SessionAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var session = await engine.ConnectAsync(engine.AdminTarget(node, context.Credentials), cancellationToken);
        await session.ExecuteAsync("SET synchronous_commit = local", cancellationToken: cancellationToken);
        return session;
    }

    public async Task CreateReplicationRoleAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await using var session = await SessionAsync(node, cancellationToken);
        await CreateReplicationRoleAsync(session, cancellationToken);
    }

    public Task CreateReplicationRoleAsync(IDbSession session, CancellationToken cancellationToken) =>
        UpsertRoleAsync(session, context.Credentials.ReplicationUser, "REPLICATION LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT", context.Credentials.RequiredReplicationPassword(), cancellationToken);

    /// <summary>Creates the role, or brings an existing one to these attributes and password, sent as a SCRAM verifier computed here.</summary>
    public static async Task UpsertRoleAsync(IDbSession session, string role, string attributes, Secret password, CancellationToken cancellationToken)
    {
        var verifier = ScramVerifier.Compute(password.Reveal());
        var exists = await session.QueryAsync("SELECT 1 FROM pg_roles WHERE rolname = $1", [role], cancellationToken);
        var verb = exists.Count == 0 ? "CREATE" : "ALTER";
        await session.ExecuteAsync(
            $"{verb} ROLE {PostgresSql.Identifier(role)} WITH {attributes} PASSWORD {PostgresSql.Literal(verifier)}",
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// The replica's slot on its source, created before a copy starts, so the source keeps every
    /// WAL segment the new replica will ask for between the end of the copy and its first connection.
    /// </summary>
    /// <param name="keepInactive">Keep an unused slot of that name as it is, with the WAL it holds (a rejoin's, made by the failover); otherwise it is made afresh.</param>
    /// <param name="keepStreamingNode">Keep a slot the node itself streams through (a cascading replica whose source was just promoted already follows it).</param>
    public async Task CreateSlotAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken, bool keepInactive = false, bool keepStreamingNode = false)
    {
        await using var session = await SessionAsync(source, cancellationToken);
        var existing = await session.QueryAsync(
            """
            SELECT s.active, s.wal_status, a.application_name AS streaming_to
            FROM pg_replication_slots s LEFT JOIN pg_stat_activity a ON a.pid = s.active_pid
            WHERE s.slot_name = $1
            """,
            [node.SlotName],
            cancellationToken);
        if (existing.Count == 1)
        {
            if (existing[0].GetBoolean("active") == true)
            {
                if (keepStreamingNode && existing[0].GetString("streaming_to") == node.Name)
                {
                    return;
                }

                throw new LocalProviderException($"slot '{node.SlotName}' on '{source.Name}' is in use by another process; is another copy of '{node.Name}' running?");
            }

            if (keepInactive && existing[0].GetString("wal_status") != "lost")
            {
                return;
            }

            await session.ExecuteAsync("SELECT pg_drop_replication_slot($1)", [node.SlotName], cancellationToken);
        }

        await session.ExecuteAsync("SELECT pg_create_physical_replication_slot($1, true)", [node.SlotName], cancellationToken);
    }
}
