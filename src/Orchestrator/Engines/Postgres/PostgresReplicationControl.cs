using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Progress;
using Orchestrator.Replication;

namespace Orchestrator.Engines.Postgres;

/// <summary>Switchover, failover and rejoin of local PostgreSQL nodes: streaming replication, timelines and pg_rewind.</summary>
internal sealed class PostgresReplicationControl(PostgresEngine engine, LocalContext context, PostgresNodeFiles files, PostgresSetupSql sql, PostgresProcess process) : IReplicationControl
{
    /// <summary>
    /// A fast shutdown: clients are disconnected, and the primary waits until its connected
    /// standbys have received all WAL, its shutdown checkpoint included. Returns the position
    /// just past that checkpoint record, which a standby has replayed once it has everything.
    /// </summary>
    public async Task<string> StopWritesAsync(NodeDefinition primary, CancellationToken cancellationToken)
    {
        await process.StopAsync(primary, cancellationToken);
        var control = await files.ControlDataAsync(primary, cancellationToken);
        var checkpoint = Lsn.Parse(control["Latest checkpoint location"]);
        return Lsn.Format(checkpoint + 1);
    }

    public Task ResumeWritesAsync(NodeDefinition primary, CancellationToken cancellationToken) => process.StartAsync(primary, cancellationToken);

    public async Task<bool> WaitAppliedAsync(NodeDefinition replica, string position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var session = await engine.ConnectAsync(engine.AdminTarget(replica, context.Credentials), cancellationToken);
        return await engine.Replay.WaitForReplayAsync(session, position, timeout, cancellationToken);
    }

    /// <summary>
    /// Waits until the standby has replayed all the WAL it received, and returns the position it
    /// reached. The end of what was received can lie past the end of the last record (the page
    /// header and padding of a page boundary, or the first part of a record the dead primary never
    /// finished sending): replay never reaches it, so the standby also counts as drained once its
    /// startup process waits for WAL that does not come, with its replay position standing still.
    /// </summary>
    public async Task<string> DrainAsync(NodeDefinition replica, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var session = await engine.ConnectAsync(engine.AdminTarget(replica, context.Credentials), cancellationToken);
        var received = (await session.QueryAsync(
            "SELECT coalesce(greatest(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), pg_last_wal_replay_lsn())::text AS lsn",
            cancellationToken: cancellationToken)).Single().GetString("lsn")!;
        var deadline = DateTime.UtcNow + timeout;
        string? before = null;
        while (true)
        {
            var row = (await session.QueryAsync(
                """
                SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done, pg_last_wal_replay_lsn()::text AS replayed,
                       EXISTS (SELECT 1 FROM pg_stat_activity WHERE backend_type = 'startup' AND wait_event IN ('RecoveryWalStream', 'RecoveryRetrieveRetryInterval')) AS starved
                """,
                [received],
                cancellationToken)).Single();
            var replayed = row.GetString("replayed")!;
            if (row.GetBoolean("done") == true)
            {
                return received;
            }

            if (row.GetBoolean("starved") == true && replayed == before)
            {
                return replayed;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new LocalProviderException($"replica '{replica.Name}' did not replay the WAL it received (up to {received}, replayed {replayed}) within {timeout.TotalSeconds:0} s; see {files.LogFile(replica)}");
            }

            before = row.GetBoolean("starved") == true ? replayed : null;
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>A standby keeps the WAL it received (a new timeline cannot fork before it), so it applies all of it: the drain.</summary>
    public async Task<HeldPosition> HoldAsync(NodeDefinition replica, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var received = await DrainAsync(replica, timeout, cancellationToken);
        return new HeldPosition(received, received) { Drained = true };
    }

    public int? ComparePositions(string a, string b) => Lsn.Parse(a).CompareTo(Lsn.Parse(b));

    /// <summary>A PostgreSQL standby cannot be written to.</summary>
    public Task<IReadOnlyList<string>> ErrantTransactionsAsync(NodeDefinition replica, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>
    /// Writes the target's configuration as the primary and opens the session that waits for it
    /// to apply the old primary's last position and then promotes it.
    /// </summary>
    public async Task<IHandover> PrepareHandoverAsync(NodeDefinition primary, NodeDefinition target, CancellationToken cancellationToken)
    {
        await CreateFollowerSlotsAsync(target, cancellationToken);
        await files.WriteConfigAsync(target, cancellationToken);
        return new PostgresHandover(this, engine, primary, target, await sql.SessionAsync(target, cancellationToken));
    }

    /// <summary>
    /// The nodes that will follow <paramref name="node"/> get their slots on it while it is still
    /// a standby (of a switchover or a failover): should the role change be killed after the
    /// promotion and before it moves them, the new primary keeps the WAL they will stream from,
    /// the switch of timelines included, however much is written until an operator rejoins them.
    /// </summary>
    private async Task CreateFollowerSlotsAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        foreach (var follower in context.Environment.ReplicasOf(node.Name).Where(f => !f.Fenced))
        {
            await sql.CreateSlotAsync(follower, node, cancellationToken, keepStreamingNode: true);
        }
    }

    /// <summary>
    /// Makes the followers' slots, promotes (see <see cref="PromoteOnAsync"/>), then writes the
    /// primary's configuration and loads it. Writes are refused until the promotion, and the
    /// configuration a promoted standby runs with until then asks for nothing more: it names no
    /// synchronous standbys (nor does the one written, until the followers stream), its
    /// primary_conninfo is ignored once promoted, and pg_hba.conf is the same for every role.
    /// Writing it is a few calls to the Docker engine in a container, on a loaded machine a
    /// good part of the failover, and none of it is waited for by writers: the node counts as
    /// writable once promoted.
    /// </summary>
    public async Task PromoteAsync(NodeDefinition node, Action writable, CancellationToken cancellationToken)
    {
        var opening = sql.SessionAsync(node, cancellationToken);
        try
        {
            await Task.WhenAll(CreateFollowerSlotsAsync(node, cancellationToken), opening);
        }
        catch (Exception)
        {
            if (opening.IsCompletedSuccessfully)
            {
                await opening.Result.DisposeAsync();
            }

            throw;
        }

        await using (var session = opening.Result)
        {
            await PromoteOnAsync(session, node, cancellationToken);
            writable();
            await files.WriteConfigAsync(node, cancellationToken);
            await session.ExecuteAsync("SELECT pg_reload_conf()", cancellationToken: cancellationToken);
        }

        // A failed primary fenced by this failover will rejoin from here: its slot, made as the
        // new history begins, keeps the WAL its rewind and replay start from (the checkpoint
        // that ends the promotion), however much is written before the rejoin, up to
        // max_slot_wal_keep_size.
        foreach (var fenced in context.Environment.Nodes.Where(n => n.Fenced && n.Name != node.Name))
        {
            await sql.CreateSlotAsync(fenced, node, cancellationToken);
        }
    }

    /// <summary>
    /// Loads the configuration written for the primary, promotes, and waits until the server
    /// accepts writes. Promotion needs no checkpoint first; polling every few milliseconds,
    /// rather than pg_promote's own waiting in tenths of a second, ends the wait as soon as it is done.
    /// </summary>
    /// <remarks>
    /// A standby whose walreceiver failed moments ago (its source just killed or stopped) waits
    /// out wal_retrieve_retry_interval before it acts on a promotion request: up to a second more
    /// without a primary. The interval is cut to <see cref="PromotionRetryInterval"/> with ALTER
    /// SYSTEM for the promotion and reset after it, unless the user set one there; a kill in
    /// between leaves the value, which the next promotion of the node recognises and resets.
    /// </remarks>
    public Task PromoteOnAsync(IDbSession session, NodeDefinition node, CancellationToken cancellationToken) =>
        context.Progress.StepAsync(node.Name, "promote", async () =>
        {
            var ownInterval = (await session.QueryAsync(
                "SELECT setting FROM pg_file_settings WHERE name = 'wal_retrieve_retry_interval' AND sourcefile LIKE '%postgresql.auto.conf'",
                cancellationToken: cancellationToken)).Select(r => r.GetString("setting")).LastOrDefault();
            var shorten = ownInterval is null or PromotionRetryInterval;
            if (shorten)
            {
                await session.ExecuteAsync($"ALTER SYSTEM SET wal_retrieve_retry_interval = '{PromotionRetryInterval}'", cancellationToken: cancellationToken);
            }

            try
            {
                await session.ExecuteAsync("SELECT pg_reload_conf()", cancellationToken: cancellationToken);
                await session.QueryAsync("SELECT pg_promote(false)", cancellationToken: cancellationToken);
                await Poll.UntilAsync(
                    async () => (await session.QueryAsync("SELECT pg_is_in_recovery() AS recovering", cancellationToken: cancellationToken)).Single().GetBoolean("recovering") == false,
                    TimeSpan.FromSeconds(60),
                    () => $"node '{node.Name}' did not finish promotion within 60 s; see {files.LogFile(node)}",
                    cancellationToken,
                    interval: TimeSpan.FromMilliseconds(5));
            }
            finally
            {
                if (shorten)
                {
                    await ResetRetryIntervalAsync(session);
                }
            }
        });

    /// <summary>wal_retrieve_retry_interval during a promotion (see <see cref="PromoteOnAsync"/>).</summary>
    private const string PromotionRetryInterval = "10ms";

    /// <summary>A session that failed the promotion may be gone too: the value left is reset at the node's next promotion.</summary>
    private static async Task ResetRetryIntervalAsync(IDbSession session)
    {
        try
        {
            await session.ExecuteAsync("ALTER SYSTEM RESET wal_retrieve_retry_interval", cancellationToken: CancellationToken.None);
            await session.ExecuteAsync("SELECT pg_reload_conf()", cancellationToken: CancellationToken.None);
        }
        catch (DatabaseException)
        {
        }
    }

    /// <summary>
    /// Creates the replica's slot on its new source, points primary_conninfo there and reloads;
    /// the standby reconnects and follows the source's timeline (recovery_target_timeline is 'latest').
    /// </summary>
    public async Task RepointAsync(NodeDefinition replica, NodeDefinition source, CancellationToken cancellationToken)
    {
        await context.Progress.StepAsync(replica.Name, $"replicate from {source.Name}", async () =>
        {
            // A slot made before the source's promotion already keeps what the replica needs.
            await sql.CreateSlotAsync(replica, source, cancellationToken, keepInactive: true, keepStreamingNode: true);

            // The configuration names the new source and brings the password file for it.
            await ReloadConfigAsync(replica, cancellationToken);
        });
    }

    /// <summary>
    /// Stops the node, rewinds it to where its history and the source's parted (pg_rewind,
    /// which finds nothing to do when the node stopped cleanly before the source was promoted),
    /// and starts it as a standby of the source.
    /// </summary>
    public async Task<RejoinOutcome> RejoinAsync(NodeDefinition node, NodeDefinition source, bool fenced, CancellationToken cancellationToken)
    {
        switch (await process.GetStateAsync(node, cancellationToken))
        {
            case LocalNodeState.NotInitialized:
                throw new RejoinRefusedException(RejoinRefusalReason.NoData, $"node '{node.Name}' has no data directory to rejoin with; run 'replica rebuild {node.Name}' to clone it from '{source.Name}'");
            case LocalNodeState.Running:
                await process.StopAsync(node, cancellationToken);
                break;
            case LocalNodeState.Crashed:
                await process.ClearStaleLockAsync(node, cancellationToken);
                break;
        }

        // pg_rewind reads the source's timeline from its control file, which a just-promoted
        // server updates only at its first checkpoint.
        await using (var session = await sql.SessionAsync(source, cancellationToken))
        {
            await session.ExecuteAsync("CHECKPOINT", cancellationToken: cancellationToken);
            await RefuseSeparatePromotionAsync(node, source, fenced, session, cancellationToken);
            await RefuseLostWalAsync(node, source, session, cancellationToken);
        }

        // The slot first: from here on the source keeps the WAL from its checkpoint just taken,
        // where the rewound node's replay starts, however much is written until it connects.
        await sql.CreateSlotAsync(node, source, cancellationToken, keepInactive: true);

        RejoinOutcome what;
        try
        {
            what = await RewindAsync(node, source, cancellationToken);
        }
        catch (RejoinRefusedException)
        {
            // Refused, the node is left to its rebuild; whoever starts it meanwhile finds a standby, not a second primary.
            await WriteFenceAsync(node, CancellationToken.None);
            throw;
        }

        await files.Host.DeleteFileAsync(node, files.InData(node, "backup_label.old"), cancellationToken);

        // The node is a replica in this server's shape: the start writes its standby.signal and replication password file.
        await process.StartAsync(node, cancellationToken);
        return what;
    }

    /// <summary>pg_rewind onto the source's history, as the admin account; refused, with the data directory as it was, when it cannot be done.</summary>
    private async Task<RejoinOutcome> RewindAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken)
    {
        // A node that crashed is recovered by pg_rewind in single-user mode, which refuses to
        // run as a standby; it accepts no connections either way.
        await files.Host.DeleteFileAsync(node, files.InData(node, "standby.signal"), cancellationToken);
        var passfile = files.Host.Paths(node).InNode("rewind.pgpass");
        var from = files.Addressed(source);
        await files.WriteOwnedAsync(node, passfile, PostgresConfigFiles.PassfileLine(from.Host, from.Port, "*", context.Credentials.AdminUser, context.Credentials.AdminPassword.Reveal()), cancellationToken);
        ProcessResult rewind;
        try
        {
            var conninfo = string.Join(' ', [
                $"host={PostgresSql.ConninfoValue(from.Host)}",
                $"port={from.Port}",
                $"user={PostgresSql.ConninfoValue(context.Credentials.AdminUser)}",
                "dbname=postgres",
                $"passfile={PostgresSql.ConninfoValue(passfile)}",
                .. PostgresConfigFiles.ClientTls(node.Tls, files.Host.Paths(node).TlsCaFile).Select(p => $"{p.Key}={PostgresSql.ConninfoValue(p.Value)}"),
            ]);
            rewind = await files.Host.RunAsync(
                node,
                new ProcessSpec(files.Binaries.Path("pg_rewind"), ["--target-pgdata", files.DataDir(node), "--source-server", conninfo])
                {
                    WorkingDirectory = files.NodeDir(node),
                    Timeout = TimeSpan.FromHours(1),
                },
                cancellationToken);
        }
        finally
        {
            await files.Host.DeleteFileAsync(node, passfile, CancellationToken.None);
        }

        if (rewind.ExitCode != 0)
        {
            throw new RejoinRefusedException(
                RejoinRefusalReason.RewindFailed,
                $"pg_rewind could not bring '{node.Name}' onto the history of '{source.Name}':\n{Redactor.Redact((rewind.StandardError + rewind.StandardOutput).Trim())}\n" +
                $"Its data directory is unchanged. Run 'replica rebuild {node.Name}' to clone it from '{source.Name}' instead.");
        }

        return PgRewindOutput.Parse(rewind.StandardError + rewind.StandardOutput);
    }

    /// <summary>
    /// Stops the server without waiting for anything (it may hang) and leaves a standby.signal,
    /// so that whoever starts it finds a read-only standby rather than a second primary. The dead
    /// server's lock file goes too: a start by hand must not stumble over it and be tempted to
    /// clear the way by other means.
    /// </summary>
    public async Task FenceAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await process.KillAsync(node, cancellationToken);
        if (await files.Host.HasDataAsync(node, cancellationToken))
        {
            await process.ClearStaleLockAsync(node, cancellationToken);
            await WriteFenceAsync(node, cancellationToken);
        }
    }

    /// <summary>standby.signal: started by any means, the server recovers as a standby and refuses writes.</summary>
    public Task WriteFenceAsync(NodeDefinition node, CancellationToken cancellationToken) =>
        files.WriteConfigAsync(node, cancellationToken, standby: true, onlyInitialized: true);

    /// <summary>
    /// The slot the failover made for this node on its new source was invalidated (more WAL
    /// was written than max_slot_wal_keep_size lets it keep): the WAL the node would replay from
    /// is gone, and streaming would wait for it forever.
    /// </summary>
    private static async Task RefuseLostWalAsync(NodeDefinition node, NodeDefinition source, IDbSession sourceSession, CancellationToken cancellationToken)
    {
        var slot = (await sourceSession.QueryAsync("SELECT wal_status FROM pg_replication_slots WHERE slot_name = $1", [node.SlotName], cancellationToken)).SingleOrDefault();
        if (slot?.GetString("wal_status") == "lost")
        {
            throw new RejoinRefusedException(
                RejoinRefusalReason.WalLost,
                $"'{source.Name}' no longer has the WAL '{node.Name}' would rejoin from: its slot '{node.SlotName}' kept at most max_slot_wal_keep_size, and more was written since the failover. " +
                $"Its data directory is unchanged. Run 'replica rebuild {node.Name}' to clone it from '{source.Name}' instead.");
        }
    }

    /// <summary>
    /// A fenced node promoted by hand picks the next timeline number it knows of, which is the
    /// one the failover's promotion took: two histories under one number. pg_rewind compares
    /// only the numbers ("no rewind required") and the node would then replay the other's WAL
    /// over its own writes. Their history files may even read the same (both promoted at the
    /// position where the synchronous replica stood). A fenced node followed nobody since its
    /// fence, so on the source's timeline it can only be by a promotion of its own; any other
    /// node on the same timeline must have the same history file.
    /// </summary>
    private async Task RefuseSeparatePromotionAsync(NodeDefinition node, NodeDefinition source, bool fenced, IDbSession sourceSession, CancellationToken cancellationToken)
    {
        var control = await files.ControlDataAsync(node, cancellationToken);
        if (!control.TryGetValue("Latest checkpoint's TimeLineID", out var text) || !long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var timeline) || timeline <= 1)
        {
            return;
        }

        var sourceTimeline = (await sourceSession.QueryAsync("SELECT timeline_id FROM pg_control_checkpoint()", cancellationToken: cancellationToken)).Single().GetInt64("timeline_id");
        if (sourceTimeline != timeline)
        {
            return;
        }

        var history = $"pg_wal/{timeline:X8}.history";
        var mine = await files.Host.ReadFileAsync(node, files.InData(node, history), cancellationToken);
        var theirs = (await sourceSession.QueryAsync("SELECT pg_read_file($1) AS history", [history], cancellationToken)).Single().GetString("history");
        if (fenced || mine != theirs)
        {
            throw new RejoinRefusedException(
                RejoinRefusalReason.SeparatePromotion,
                $"'{node.Name}' and '{source.Name}' were promoted separately onto timeline {timeline}{(fenced ? $" ('{node.Name}' after its fence, by hand)" : $" (their {history} differ)")}: '{node.Name}' has a history of its own, " +
                $"which cannot be rewound onto '{source.Name}''s history. Its data directory is unchanged. Run 'replica rebuild {node.Name}' to clone it from '{source.Name}' (its own writes are discarded).");
        }
    }

    public async Task ReloadConfigAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await files.WriteConfigAsync(node, cancellationToken);
        if (await process.GetStateAsync(node, cancellationToken) == LocalNodeState.Running)
        {
            await using var session = await sql.SessionAsync(node, cancellationToken);
            await session.ExecuteAsync("SELECT pg_reload_conf()", cancellationToken: cancellationToken);
        }
    }

    /// <summary>Ends the source's walsender for the replica, and waits for the one its walreceiver starts again (within wal_retrieve_retry_interval).</summary>
    public async Task ReconnectAsync(NodeDefinition replica, NodeDefinition source, CancellationToken cancellationToken)
    {
        await using var session = await sql.SessionAsync(source, cancellationToken);
        var ended = (await session.QueryAsync(
                "SELECT pid, pg_terminate_backend(pid) AS ended FROM pg_stat_replication WHERE application_name = $1", [replica.Name], cancellationToken))
            .Select(r => r.GetInt64("pid")).ToHashSet();
        var timeout = context.Environment.Replication.ReplayTimeout;
        await Poll.UntilAsync(
            async () => (await session.QueryAsync("SELECT pid FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming'", [replica.Name], cancellationToken))
                .Any(r => !ended.Contains(r.GetInt64("pid"))),
            timeout,
            () => $"'{replica.Name}' did not stream from '{source.Name}' again within {timeout.TotalSeconds:0} s of its reconnection; see {files.LogFile(replica)}",
            cancellationToken);
    }

    /// <summary>Drops inactive slots of nodes that no longer replicate from this one, which would keep WAL forever.</summary>
    public async Task DropStaleReplicationStateAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var wanted = context.Environment.ReplicasOf(node.Name).Select(r => r.SlotName).ToHashSet(StringComparer.Ordinal);
        var known = context.Environment.Nodes.Select(n => n.SlotName).ToHashSet(StringComparer.Ordinal);
        await using var session = await sql.SessionAsync(node, cancellationToken);
        foreach (var row in await session.QueryAsync("SELECT slot_name, active FROM pg_replication_slots WHERE slot_type = 'physical'", cancellationToken: cancellationToken))
        {
            var slot = row.GetString("slot_name")!;
            if (known.Contains(slot) && !wanted.Contains(slot) && row.GetBoolean("active") == false)
            {
                await session.ExecuteAsync("SELECT pg_drop_replication_slot($1)", [slot], cancellationToken);
                context.Progress.Report(new ProgressEvent(node.Name, $"dropped slot '{slot}' (its node replicates from elsewhere now)", ProgressKind.Info));
            }
        }
    }
}
