using Orchestrator.Progress;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Replication;

namespace Orchestrator.Engines.MariaDb;

/// <summary>Switchover, failover and rejoin of MariaDB nodes on their host: read_only, GTID positions and CHANGE MASTER.</summary>
internal sealed class MariaDbReplicationControl(MariaDbEngine engine, LocalContext context, MariaDbNodeFiles files, MariaDbSetupSql sql, MariaDbProcess process) : IReplicationControl
{
    /// <summary>
    /// Writes the target's configuration as the primary and opens the tool's socket sessions to
    /// both nodes, so that the window is only SQL (see <see cref="MariaDbHandover"/>).
    /// </summary>
    public async Task<IHandover> PrepareHandoverAsync(NodeDefinition primary, NodeDefinition target, CancellationToken cancellationToken)
    {
        await files.WriteConfigAsync(target, cancellationToken);
        var primarySession = await sql.LocalRootSessionAsync(primary, cancellationToken);
        try
        {
            var targetSession = await sql.LocalRootSessionAsync(target, cancellationToken);
            try
            {
                return new MariaDbHandover(this, engine, target, primarySession, targetSession, await MariaDbSemiSync.ReadAsync(targetSession, cancellationToken));
            }
            catch
            {
                await targetSession.DisposeAsync();
                throw;
            }
        }
        catch
        {
            await primarySession.DisposeAsync();
            throw;
        }
    }

    public async Task ResumeWritesAsync(NodeDefinition primary, CancellationToken cancellationToken)
    {
        await using var session = await sql.LocalRootSessionAsync(primary, cancellationToken);
        await session.ExecuteAsync("SET GLOBAL read_only = OFF", cancellationToken: cancellationToken);
    }

    public async Task<bool> WaitAppliedAsync(NodeDefinition replica, string position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var session = await sql.LocalRootSessionAsync(replica, cancellationToken);
        return await engine.Replay.WaitForReplayAsync(session, position, timeout, cancellationToken);
    }

    /// <summary>
    /// Waits until the SQL thread has applied the relay log up to what was received (Gtid_IO_Pos),
    /// the IO thread stopped first unless its source is fenced (see <see cref="HoldAsync"/>):
    /// events still in the relay log are discarded when a replica is pointed elsewhere. Returns
    /// the applied position.
    /// </summary>
    public async Task<string> DrainAsync(NodeDefinition replica, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var session = await sql.LocalRootSessionAsync(replica, cancellationToken);
        var fencedSource = SourceIsFenced(replica);
        var configured = await DrainRelayLogAsync(session, replica, timeout, stopReceiving: !fencedSource, cancellationToken);
        var applied = (await session.QueryAsync("SELECT @@gtid_slave_pos AS pos", cancellationToken: cancellationToken)).Single().GetString("pos") ?? "";

        // A cascading replica keeps its (living) source and follows it again; a replica of the
        // fenced primary is promoted or pointed elsewhere next. A node whose promotion was
        // interrupted after RESET SLAVE ALL has no source left to start.
        if (configured && !fencedSource)
        {
            await session.ExecuteAsync("START SLAVE", cancellationToken: cancellationToken);
        }

        return applied;
    }

    /// <summary>
    /// Stops the applier of a replica of the failed primary, so that what it applied stops
    /// moving, without applying the rest of its relay log first: that is for the node promoted
    /// (<see cref="DrainAsync"/>), and the others discard it as they are pointed at it. A replica
    /// of a living source (cascading) is drained and goes on following it.
    /// </summary>
    /// <remarks>
    /// The receiver is left retrying the fenced source, which sends nothing more. A
    /// semi-synchronous replica's IO thread, as it stops, connects to its source to end the dump
    /// thread there, and waits up to rpl_semi_sync_slave_kill_conn_timeout for a vanished
    /// container's address, which answers nothing: a second without a primary. It is stopped
    /// once the node takes writes (<see cref="PromoteAsync"/>) or as it is pointed elsewhere.
    /// </remarks>
    public async Task<HeldPosition> HoldAsync(NodeDefinition replica, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!SourceIsFenced(replica))
        {
            var drained = await DrainAsync(replica, timeout, cancellationToken);
            return new HeldPosition(drained, drained);
        }

        await using var session = await sql.LocalRootSessionAsync(replica, cancellationToken);
        await session.ExecuteAsync("STOP SLAVE SQL_THREAD", cancellationToken: cancellationToken);

        // Servers started before the option file said so wait five seconds (0 would be no limit).
        await session.ExecuteAsync($"SET GLOBAL rpl_semi_sync_slave_kill_conn_timeout = LEAST(@@rpl_semi_sync_slave_kill_conn_timeout, {MariaDbSemiSync.KillConnectionSeconds})", cancellationToken: cancellationToken);
        var received = (await session.QueryAsync("SHOW SLAVE STATUS", cancellationToken: cancellationToken)).FirstOrDefault()?.GetString("Gtid_IO_Pos");
        var applied = (await session.QueryAsync("SELECT @@gtid_slave_pos AS pos", cancellationToken: cancellationToken)).Single().GetString("pos") ?? "";

        // Nothing received beyond what was applied leaves no IO position (a relay log started afresh).
        return new HeldPosition(string.IsNullOrEmpty(received) || GtidPosition.Compare(received, applied) < 0 ? applied : received, applied);
    }

    public int? ComparePositions(string a, string b) => GtidPosition.Compare(a, b);

    /// <summary>
    /// GTIDs this replica wrote itself since it became a replica: its own server_id in its binary
    /// log beyond what it applied from its source. Promoting it would hand them to every replica.
    /// </summary>
    public async Task<IReadOnlyList<string>> ErrantTransactionsAsync(NodeDefinition replica, CancellationToken cancellationToken)
    {
        await using var session = await sql.LocalRootSessionAsync(replica, cancellationToken);
        var row = (await session.QueryAsync("SELECT @@server_id AS id, @@gtid_binlog_state AS binlog, @@gtid_slave_pos AS applied", cancellationToken: cancellationToken)).Single();
        var own = row.GetInt64("id");
        var applied = GtidPosition.Parse(row.GetString("applied"));
        return GtidPosition.Entries(row.GetString("binlog"))
            .Where(g => g.Server == own && g.Sequence > applied.GetValueOrDefault(g.Domain))
            .Select(g => g.ToString())
            .ToList();
    }

    /// <summary>
    /// Promotes, then writes the node's configuration as a primary: the server reads it only at
    /// its next start, and writes are refused until the promotion, which a container's file
    /// writes (calls to the Docker engine) would otherwise delay. Should the tool die between
    /// the two, the node starts again read-only, as the replica its old files describe.
    /// </summary>
    /// <remarks>
    /// A failover's node has applied all it received, and its receiver may still be retrying
    /// the fenced source (see <see cref="HoldAsync"/>), which sends nothing more: it takes writes
    /// first, and its replication is stopped and reset after. Interrupted in between, it is a
    /// writable node that still names its old source, its applier stopped: it is observed as the
    /// primary it is (<see cref="NodeObservation.PromotionUnfinished"/>), and 'up' finishes the
    /// promotion (<see cref="ReloadConfigAsync"/>).
    /// </remarks>
    public async Task PromoteAsync(NodeDefinition node, Action writable, CancellationToken cancellationToken)
    {
        await using (var session = await sql.LocalRootSessionAsync(node, cancellationToken))
        {
            await context.Progress.StepAsync(node.Name, "promote", async () =>
            {
                await session.ExecuteAsync("STOP SLAVE SQL_THREAD", cancellationToken: cancellationToken);
                await session.ExecuteAsync("SET GLOBAL read_only = OFF", cancellationToken: cancellationToken);
                writable();
                await DropReplicationAsync(session, cancellationToken);
                await MariaDbSemiSync.ApplyAsync(session, context.Environment, node, cancellationToken);
            });
        }

        await files.WriteConfigAsync(node, cancellationToken);
    }

    /// <summary>
    /// A switchover's promotion: the node has applied everything its source (read-only now)
    /// committed. It takes writes once its applier stopped, waiting for a synchronous replica's
    /// acknowledgement from its first commit where the environment has one; its receiver, whose
    /// stop ends a TLS session with the old primary, is stopped and its replication reset after
    /// that, out of the window. Interrupted in between, it is a writable node whose applier
    /// stopped: observed as the primary it is, as after a failover (see <see cref="PromoteAsync"/>).
    /// </summary>
    /// <param name="semiSync">The node's semi-synchronous settings, read before the window: the statements that turn it into a primary go in one round trip.</param>
    public Task PromoteOnAsync(IDbSession session, NodeDefinition node, SemiSyncSettings semiSync, Action writable, CancellationToken cancellationToken) =>
        context.Progress.StepAsync(node.Name, "promote", async () =>
        {
            await session.ExecuteBatchAsync(
                [new("STOP SLAVE SQL_THREAD"), .. MariaDbSemiSync.PrimarySideChanges(semiSync, context.Environment, node), new("SET GLOBAL read_only = OFF")],
                cancellationToken);
            writable();
            await DropReplicationAsync(session, cancellationToken);
            await MariaDbSemiSync.ApplyAsync(session, context.Environment, node, cancellationToken);
        });

    public async Task RepointAsync(NodeDefinition replica, NodeDefinition source, CancellationToken cancellationToken)
    {
        await files.WriteConfigAsync(replica, cancellationToken);
        await context.Progress.StepAsync(replica.Name, $"replicate from {source.Name}", async () =>
        {
            // Not drained first: what the relay log holds beyond what was applied is discarded by
            // CHANGE MASTER and fetched again from the new source, which has it unless nobody
            // acknowledged it (a failover's discarded transactions).
            await using var session = await sql.LocalRootSessionAsync(replica, cancellationToken);
            await StopReplicatingAsync(session, "STOP SLAVE", cancellationToken);
            await MariaDbSemiSync.ApplyAsync(session, context.Environment, replica, cancellationToken);
            await sql.ChangeMasterAsync(session, replica, source, demote: false, cancellationToken);
        });
    }

    /// <summary>What MariaDB logs when it cannot truncate the binary log at crash recovery past a non-transactional statement (DDL).</summary>
    private const string UntruncatableBinlog = "Cannot truncate the binary log";

    /// <summary>What MariaDB logs as a server starts.</summary>
    private const string StartingMessage = "Starting MariaDB";

    /// <summary>
    /// Starts the node read-only without replication, refuses when it holds transactions the
    /// new source never received (they would be replicated nowhere and mixed into its history),
    /// then demotes it: gtid_slave_pos cleaned to its binary log position and CHANGE MASTER ... MASTER_DEMOTE_TO_SLAVE = 1,
    /// which makes its own binary log position the point to continue from.
    /// </summary>
    public async Task<RejoinOutcome> RejoinAsync(NodeDefinition node, NodeDefinition source, bool fenced, CancellationToken cancellationToken)
    {
        var state = await process.GetStateAsync(node, cancellationToken);
        if (state == LocalNodeState.NotInitialized)
        {
            throw new RejoinRefusedException(RejoinRefusalReason.NoData, $"node '{node.Name}' has no data directory to rejoin with; run 'replica rebuild {node.Name}' to clone it from '{source.Name}'");
        }

        await files.WriteConfigAsync(node, cancellationToken);
        if (state != LocalNodeState.Running)
        {
            // A primary that crashed while commits waited for a semi-synchronous acknowledgement
            // holds them in its binary log, acknowledged to nobody; recovering in the replica
            // role discards them, where the primary role would commit them.
            try
            {
                await process.StartServerAsync(
                    node,
                    $"start read-only on {node.Endpoint}, replication stopped, discarding commits no replica acknowledged",
                    ["--skip-slave-start", "--init-rpl-role=SLAVE", "--rpl-semi-sync-slave-enabled=ON"],
                    cancellationToken);
            }
            catch (LocalProviderException)
            {
                // The log holds earlier starts too: only what this start wrote counts.
                var tail = await files.Host.LogTailAsync(node, 200, cancellationToken);
                var thisStart = tail.LastIndexOf(StartingMessage, StringComparison.Ordinal);
                if (thisStart < 0 || !tail[thisStart..].Contains(UntruncatableBinlog, StringComparison.Ordinal) || await process.GetStateAsync(node, cancellationToken) == LocalNodeState.Running)
                {
                    throw;
                }

                throw new RejoinRefusedException(
                    RejoinRefusalReason.MigrationAtCrash,
                    $"node '{node.Name}' crashed with a non-transactional statement (a schema change, say) in its binary log after commits no replica acknowledged. Its crash recovery must discard those commits, " +
                    $"and MariaDB cannot cut such a statement out of a binary log, so the server refuses to start as a replica (see {files.LogFile(node)}). " +
                    $"Its data is left as it was; run 'replica rebuild {node.Name}' to clone it from '{source.Name}'.");
            }
        }

        await using var session = await sql.LocalRootSessionAsync(node, cancellationToken);
        await session.ExecuteAsync("SET GLOBAL read_only = ON", cancellationToken: cancellationToken);
        string sourceState, sourcePosition;
        await using (var sourceSession = await engine.ConnectAsync(engine.AdminTarget(source, context.Credentials), cancellationToken))
        {
            var row = (await sourceSession.QueryAsync("SELECT @@gtid_binlog_state AS state, @@gtid_binlog_pos AS pos", cancellationToken: cancellationToken)).Single();
            (sourceState, sourcePosition) = (row.GetString("state") ?? "", row.GetString("pos") ?? "");
        }

        var own = (await session.QueryAsync("SELECT @@gtid_binlog_pos AS pos, @@server_id AS id", cancellationToken: cancellationToken)).Single();
        var ownLatest = own.GetString("pos") ?? "";
        var missing = GtidPosition.NotReachedBy(ownLatest, sourceState);
        if (missing.Count > 0)
        {
            throw new RejoinRefusedException(
                RejoinRefusalReason.TransactionsNotOnSource,
                $"node '{node.Name}' committed transactions that '{source.Name}' never received (up to {string.Join(", ", missing)}): " +
                $"they are lost to the rest of the environment (it failed over without them). Following '{source.Name}' now would mix two histories. " +
                $"'{node.Name}' is running read-only for inspection; run 'replica rebuild {node.Name}' to discard them and clone it from '{source.Name}'.");
        }

        if (fenced && await MigrationsInProgressAsync(node, cancellationToken) is { Count: > 0 } migrations)
        {
            throw new RejoinRefusedException(
                RejoinRefusalReason.MigrationAtCrash,
                $"node '{node.Name}' failed while migration {string.Join(", ", migrations)} was in progress on it. A schema change it made just then can survive its crash recovery " +
                $"although its binary log, and so every other node, lacks it: following '{source.Name}' would stop at the first statement that meets it. " +
                $"'{node.Name}' is running read-only for inspection; run 'replica rebuild {node.Name}' to clone it from '{source.Name}'.");
        }

        await session.ExecuteAsync("STOP SLAVE", cancellationToken: cancellationToken);
        await session.ExecuteAsync("RESET SLAVE ALL", cancellationToken: cancellationToken);
        // A gtid_slave_pos left from an earlier time as a replica can name a position the new
        // source never had (error 1236): start from exactly the node's own binary log.
        await session.ExecuteAsync("SET GLOBAL gtid_slave_pos = @@gtid_binlog_pos", cancellationToken: cancellationToken);
        await MariaDbSemiSync.ApplyAsync(session, context.Environment, node, cancellationToken);
        var regained = GtidPosition.OwnBeyond(own.GetInt64("id")!.Value, ownLatest, sourceState);
        if (regained.Count == 0)
        {
            await sql.ChangeMasterAsync(session, node, source, demote: true, cancellationToken);
        }
        else
        {
            await RegainOwnTransactionsAsync(session, node, source, sourcePosition, regained, cancellationToken);
        }

        return new RejoinOutcome(RejoinMethod.Demoted) { Position = ownLatest };
    }

    /// <summary>
    /// Replicates transactions the node itself originated, which its crash recovery discarded
    /// (semi-synchronous: committed, acknowledged, but not yet durable in its storage engine) and
    /// the source holds. A replica skips events carrying its own server_id, so it follows under a
    /// server_id no node has until it has applied them, then under its own again.
    /// </summary>
    private async Task RegainOwnTransactionsAsync(
        IDbSession session, NodeDefinition node, NodeDefinition source, string sourcePosition, IReadOnlyList<Gtid> regained, CancellationToken cancellationToken)
    {
        await context.Progress.StepAsync(node.Name, $"replay its own transactions that only {source.Name} kept ({string.Join(", ", regained)})", async () =>
        {
            var serverId = MariaDbConfigFiles.ServerId(context.Environment, node);
            await session.ExecuteAsync("SET GLOBAL server_id = ?", [MariaDbConfigFiles.ServerIdWhileRegaining(serverId)], cancellationToken);
            try
            {
                await sql.ChangeMasterAsync(session, node, source, demote: true, cancellationToken);
                var timeout = context.Environment.Replication.ReplayTimeout;
                if (!await engine.Replay.WaitForReplayAsync(session, sourcePosition, timeout, cancellationToken))
                {
                    throw new LocalProviderException($"node '{node.Name}' did not apply {source.Name}'s position {sourcePosition} within {timeout.TotalSeconds:0} s; see {files.LogFile(node)}");
                }

                await session.ExecuteAsync("STOP SLAVE", cancellationToken: cancellationToken);
            }
            finally
            {
                await session.ExecuteAsync("SET GLOBAL server_id = ?", [serverId], cancellationToken);
            }

            await session.ExecuteAsync("START SLAVE", cancellationToken: cancellationToken);
            await sql.MendMissedAcknowledgementAsync(session, node, source, cancellationToken);
        });
    }

    public async Task FenceAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await process.DiscardAsync(node, cancellationToken);
        if (await files.Host.HasDataAsync(node, cancellationToken))
        {
            await WriteFenceAsync(node, cancellationToken);
        }
    }

    /// <summary>The option file of a fenced node: read_only (the tool's accounts lack READ_ONLY ADMIN), no replication started.</summary>
    public async Task WriteFenceAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (await files.Host.ReadFileAsync(node, files.ConfigFile(node), cancellationToken) is not null)
        {
            await files.WriteConfigAsync(node, cancellationToken);
        }
    }

    public async Task ReloadConfigAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await files.WriteConfigAsync(node, cancellationToken);
        if (await process.GetStateAsync(node, cancellationToken) == LocalNodeState.Running)
        {
            await using var session = await sql.LocalRootSessionAsync(node, cancellationToken);
            if (node.Role == NodeRole.Primary)
            {
                // A failover's promotion interrupted after the node took writes (see PromoteAsync).
                await DropReplicationAsync(session, cancellationToken);
            }

            await session.ExecuteAsync(node.Role == NodeRole.Primary ? "SET GLOBAL read_only = OFF" : "SET GLOBAL read_only = ON", cancellationToken: cancellationToken);
            await MariaDbSemiSync.ApplyAsync(session, context.Environment, node, cancellationToken);

            // The certificate files just written take effect for new connections; a server
            // started without TLS has none to reload (up restarts it with TLS). LOCAL: a FLUSH
            // is otherwise written to the binary log, an errant transaction on a replica.
            if ((await session.QueryAsync("SELECT @@have_ssl = 'YES' AS tls", cancellationToken: cancellationToken)).Single().GetBoolean("tls") == true)
            {
                await session.ExecuteAsync("FLUSH LOCAL SSL", cancellationToken: cancellationToken);
            }

            if (node.Role == NodeRole.Replica && context.Environment.Nodes.FirstOrDefault(n => n.Name == node.Source) is { } source
                && await process.GetStateAsync(source, cancellationToken) == LocalNodeState.Running)
            {
                await sql.MendMissedAcknowledgementAsync(session, node, source, cancellationToken);
            }
        }
    }

    /// <summary>Restarts the replica's IO thread: it connects again from where it received, the SQL thread applying on meanwhile.</summary>
    public async Task ReconnectAsync(NodeDefinition replica, NodeDefinition source, CancellationToken cancellationToken)
    {
        await using var session = await sql.LocalRootSessionAsync(replica, cancellationToken);
        await session.ExecuteAsync("STOP SLAVE IO_THREAD", cancellationToken: cancellationToken);
        await session.ExecuteAsync("START SLAVE IO_THREAD", cancellationToken: cancellationToken);
        await sql.MendMissedAcknowledgementAsync(session, replica, source, cancellationToken);
    }

    /// <summary>A MariaDB primary keeps nothing per replica.</summary>
    public Task DropStaleReplicationStateAsync(NodeDefinition node, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The replica's source is the primary a failover fenced: it sends nothing more.</summary>
    private bool SourceIsFenced(NodeDefinition replica) => context.Environment.Nodes.FirstOrDefault(n => n.Name == replica.Source) is { Fenced: true };

    /// <summary>Stops and forgets the replication a node that is now a primary still has configured, if any.</summary>
    private static async Task DropReplicationAsync(IDbSession session, CancellationToken cancellationToken)
    {
        if ((await session.QueryAsync("SHOW SLAVE STATUS", cancellationToken: cancellationToken)).Any(r => !string.IsNullOrEmpty(r.GetString("Master_Host"))))
        {
            await StopReplicatingAsync(session, "STOP SLAVE", cancellationToken);
            await session.ExecuteAsync("RESET SLAVE ALL", cancellationToken: cancellationToken);
        }
    }

    /// <returns>Whether the node has a source configured at all.</returns>
    /// <param name="stopReceiving">False for a replica of a fenced source, which sends nothing more: stopping its receiver can wait on the source's vanished address (see <see cref="HoldAsync"/>).</param>
    private async Task<bool> DrainRelayLogAsync(IDbSession session, NodeDefinition replica, TimeSpan timeout, bool stopReceiving, CancellationToken cancellationToken)
    {
        if (stopReceiving)
        {
            await StopReplicatingAsync(session, "STOP SLAVE IO_THREAD", cancellationToken);
        }

        var status = (await session.QueryAsync("SHOW SLAVE STATUS", cancellationToken: cancellationToken)).FirstOrDefault();
        var configured = !string.IsNullOrEmpty(status?.GetString("Master_Host"));
        var received = status?.GetString("Gtid_IO_Pos");
        if (string.IsNullOrEmpty(received))
        {
            return configured;
        }

        if (status!.GetString("Slave_SQL_Running") != "Yes")
        {
            await session.ExecuteAsync("START SLAVE SQL_THREAD", cancellationToken: cancellationToken);
        }

        if (!await engine.Replay.WaitForReplayAsync(session, received, timeout, cancellationToken))
        {
            throw new LocalProviderException($"replica '{replica.Name}' did not apply its relay log (received up to {received}) within {timeout.TotalSeconds:0} s; see {files.LogFile(replica)}");
        }

        return configured;
    }

    /// <summary>
    /// Runs <paramref name="stop"/> (STOP SLAVE, with or without a thread named) after killing
    /// the connection of the IO thread, if one runs.
    /// </summary>
    /// <remarks>
    /// The server tells an IO thread to stop and checks again two seconds later; one blocked
    /// reading from a source that went silent (frozen, or its host gone without closing the
    /// connection) misses the first word, so a failover would lose those two seconds on every
    /// replica. Killing the thread's connection shuts its socket at once; what it had received is
    /// already in the relay log.
    /// </remarks>
    private static async Task StopReplicatingAsync(IDbSession session, string stop, CancellationToken cancellationToken)
    {
        var receivers = await session.QueryAsync("SELECT ID AS id FROM information_schema.PROCESSLIST WHERE COMMAND = 'Slave_IO'", cancellationToken: cancellationToken);
        foreach (var receiver in receivers)
        {
            try
            {
                await session.ExecuteAsync("KILL CONNECTION ?", [receiver.GetInt64("id")], cancellationToken);
            }
            catch (DatabaseException e) when (e.Code == UnknownThread)
            {
                // It stopped on its own meanwhile.
            }
        }

        await session.ExecuteAsync(stop, cancellationToken: cancellationToken);
    }

    /// <summary>The versions the node's own records show in progress in the environment's database (none without the database).</summary>
    private async Task<IReadOnlyList<long>> MigrationsInProgressAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await sql.LocalRootSessionAsync(node, cancellationToken, context.Environment.Database);
            return (await engine.MigrationStore(Migrations.VersionTable.Default).ReadDoneStepsAsync(session, cancellationToken)).Keys.Order().ToList();
        }
        catch (DatabaseException e) when (engine.Replay.IsNotYetReplicated(e))
        {
            // The database was never created on it: nothing was migrated there.
            return [];
        }
    }

    /// <summary>ER_NO_SUCH_THREAD.</summary>
    private const string UnknownThread = "1094";
}
