using System.Globalization;
using System.Text.Json;
using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;
using static Orchestrator.IntegrationTests.Backups.PointInTimeSteps;

namespace Orchestrator.IntegrationTests.Backups;

/// <summary>
/// Point-in-time restore on PostgreSQL with the servers archiving their WAL (backup.archive): a
/// physical backup, then acknowledged writes in two bursts with a pause between; rehearsals and a
/// restore to targets inside the pause land exactly between the bursts, a gap in the archive is
/// refused before anything changes, and a damaged segment fails the rehearsal.
/// </summary>
public sealed class PointInTimeRestoreTests
{
    private sealed record Acknowledged(long Id, string Transaction, DateTimeOffset At);

    [Fact]
    public async Task Restore_and_rehearse_to_a_time_position_or_transaction_in_a_pause_land_exactly_between_the_bursts_and_a_gap_is_refused_first()
    {
        await using var topology = await TestTopology.StartAsync(EngineKind.Postgres, "pitr", archive: "archive");
        await using (var session = await topology.ConnectAsync("primary"))
        {
            await session.ExecuteAsync("CREATE TABLE pitr_writes (id bigint PRIMARY KEY)");
        }

        var backup = await PhysicalBackupAsync(topology);

        // Two bursts of acknowledged writes, each spread over several WAL segments, and a pause
        // between them in which the primary role moves (a new timeline): the time target lies after that.
        var before = await WriteBurstAsync(topology, "primary", 1);
        string positionAfterBefore;
        await using (var session = await topology.ConnectAsync("primary"))
        {
            positionAfterBefore = (await session.QueryAsync("SELECT pg_current_wal_lsn()::text AS lsn")).Single().GetString("lsn")!;
        }

        var (switchExit, switchOutput) = await CliAsync(topology, "switchover", "--to", "replica-1");
        Assert.True(switchExit == 0, switchOutput);
        var switchedAt = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = await WriteBurstAsync(topology, "replica-1", 1001);
        var pauseMiddle = switchedAt + ((after[0].At - switchedAt) / 2);
        var target = pauseMiddle.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var firstAfter = after[0].Transaction;

        // Rehearsals report the last transaction applied and prove the next one absent, for each kind of target.
        foreach (var (arguments, expectedNext) in new (string[] Arguments, string Next)[]
        {
            (["--to-time", target], firstAfter),
            (["--to-position", positionAfterBefore], firstAfter),
            (["--to-transaction", before[^1].Transaction], firstAfter),
            (["--to-transaction", firstAfter, "--exclusive"], firstAfter),
        })
        {
            var (exit, output) = await CliAsync(topology, ["rehearse", "--backup", backup, "--json", .. arguments]);
            Assert.True(exit == 0, output);
            using var report = JsonDocument.Parse(output);
            var point = report.RootElement.GetProperty("recoveryPoint");
            Assert.True(report.RootElement.GetProperty("passed").GetBoolean(), output);
            Assert.True(expectedNext == point.GetProperty("firstAfter").GetProperty("transaction").GetString(), $"{string.Join(' ', arguments)}: expected {expectedNext} first after the target\n{output}");
            Assert.Contains(point.GetProperty("firstAfter").GetProperty("statusAfterRestore").GetString(), new[] { "aborted", "not completed in replay", "in progress" });
            var lastCommit = point.GetProperty("lastCommitAt").GetDateTimeOffset();
            Assert.InRange(lastCommit, before[^1].At.AddSeconds(-1), pauseMiddle);
        }

        // A target after the archive's newest commit replays all of it (a server would fail at the end looking for the target); one in the future is refused.
        var (endExit, endOutput) = await CliAsync(topology, "rehearse", "--backup", backup, "--json", "--to-time", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        Assert.True(endExit == 0, endOutput);
        using (var end = JsonDocument.Parse(endOutput))
        {
            var point = end.RootElement.GetProperty("recoveryPoint");
            Assert.Equal(JsonValueKind.Null, point.GetProperty("firstAfter").ValueKind);
            Assert.InRange(point.GetProperty("lastCommitAt").GetDateTimeOffset(), after[^1].At.AddSeconds(-1), after[^1].At);
        }

        // Random targets inside the archive's window each land exactly.
        var (randomExit, random) = await CliAsync(topology, "rehearse", "--backup", backup, "--random-points", "3", "--json");
        Assert.True(randomExit == 0, random);
        using (var points = JsonDocument.Parse(random))
        {
            var each = points.RootElement.GetProperty("points").EnumerateArray().ToList();
            Assert.Equal(3, each.Count);
            Assert.All(each, p => Assert.True(p.GetProperty("exact").GetBoolean(), random));
        }

        var (futureExit, future) = await CliAsync(topology, "rehearse", "--backup", backup, "--to-time", DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture));
        Assert.Equal(2, futureExit);
        Assert.Contains("lies in the future", future, StringComparison.Ordinal);

        // Every node archives (a replica too, so a failover leaves no gap), and their copies of each segment agree.
        string closed;
        await using (var session = await topology.ConnectAsync("replica-1"))
        {
            closed = (await session.QueryAsync("SELECT pg_walfile_name(pg_switch_wal()) AS s")).Single().GetString("s")!;
        }

        foreach (var node in topology.Environment.Nodes)
        {
            await using var session = await topology.ConnectAsync(node.Name);
            await TestTopology.EventuallyAsync(
                async () => string.CompareOrdinal((await session.QueryAsync("SELECT coalesce(last_archived_wal, '') AS w FROM pg_stat_archiver")).Single().GetString("w"), closed) >= 0,
                $"{node.Name} archived {closed}");
            var stats = (await session.QueryAsync("SELECT archived_count, failed_count, coalesce(last_failed_wal, '') AS failed FROM pg_stat_archiver")).Single();
            Assert.True(stats.GetInt64("failed_count") == 0, $"{node.Name} failed to archive {stats.GetString("failed")}");
            Assert.True(stats.GetInt64("archived_count") > 0, $"{node.Name} archived nothing");
        }

        // A gap: one archived segment between the bursts goes missing. Restore refuses before changing anything.
        var wal = Path.Combine(topology.Directory, "archive", "wal");
        var backupWal = Path.Combine(backup, "data", "pg_wal");
        var lastInBackup = Directory.EnumerateFiles(backupWal).Select(Path.GetFileName).Where(n => n!.Length == 24).Order(StringComparer.Ordinal).Last()!;
        var segments = Directory.EnumerateFiles(wal).Select(Path.GetFileName).OfType<string>().Where(n => n.Length == 24 && n.StartsWith("00000001", StringComparison.Ordinal) && string.CompareOrdinal(n, lastInBackup) > 0).Order(StringComparer.Ordinal).ToList();
        Assert.True(segments.Count >= 3, string.Join(", ", segments));
        var missing = segments[1];
        File.Move(Path.Combine(wal, missing), Path.Combine(topology.Directory, missing));
        var (gapExit, gapOutput) = await CliAsync(topology, "restore", "--backup", backup, "--to-time", target);
        Assert.Equal(1, gapExit);
        Assert.Contains($"the archive lacks WAL segment {missing}", gapOutput, StringComparison.Ordinal);
        Assert.Contains("Nothing was restored", gapOutput, StringComparison.Ordinal);
        Assert.Equal(before.Count + after.Count, (await IdsAsync(topology, "primary")).Count);
        File.Move(Path.Combine(topology.Directory, missing), Path.Combine(wal, missing));

        // A damaged segment fails the rehearsal, naming it.
        var damaged = Path.Combine(wal, segments[0]);
        var original = await File.ReadAllBytesAsync(damaged);
        var flipped = original.ToArray();
        flipped[flipped.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(damaged, flipped);
        var (damagedExit, damagedOutput) = await CliAsync(topology, "rehearse", "--backup", backup, "--to-time", target);
        Assert.Equal(1, damagedExit);
        Assert.Contains($"archived WAL segment {segments[0]} is damaged", damagedOutput, StringComparison.Ordinal);
        var (randomDamagedExit, randomDamaged) = await CliAsync(topology, "rehearse", "--backup", backup, "--random-points", "2");
        Assert.Equal(1, randomDamagedExit);
        Assert.Contains($"archived WAL segment {segments[0]} is damaged", randomDamaged, StringComparison.Ordinal);
        await File.WriteAllBytesAsync(damaged, original);

        // The restore: exactly the first burst, on the primary and on the replicas cloned from it.
        var (restoreExit, restoreOutput) = await CliAsync(topology, "restore", "--backup", backup, "--to-time", target);
        Assert.True(restoreExit == 0, restoreOutput);
        Assert.Contains($"transaction {firstAfter}", restoreOutput, StringComparison.Ordinal);
        foreach (var node in topology.Environment.Nodes)
        {
            await TestTopology.EventuallyAsync(async () => (await IdsAsync(topology, node.Name)).SequenceEqual(before.Select(a => a.Id)), $"{node.Name} holds exactly the first burst");
        }

        // The restored primary archives on: a timeline of its own, and its new writes reach the archive.
        await using (var session = await topology.ConnectAsync(await PrimaryAsync(topology)))
        {
            await session.ExecuteAsync("INSERT INTO pitr_writes (id) VALUES (5000)");
            var segment = (await session.QueryAsync("SELECT pg_walfile_name(pg_switch_wal()) AS s")).Single().GetString("s")!;
            Assert.True(string.CompareOrdinal(segment[..8], "00000002") > 0, $"{segment} is on a timeline the history already had");
            await TestTopology.EventuallyAsync(() => Task.FromResult(File.Exists(Path.Combine(wal, segment))), $"{segment} archived");
        }

        // Archiving that fails shows in status (exit 1, the node and the file named), and clears once
        // it succeeds again; back to the file's shape first, which status also holds against it.
        var (backExit, back) = await CliAsync(topology, "switchover", "--to", "primary");
        Assert.True(backExit == 0, back);
        var (healthyExit, healthy) = await CliAsync(topology, "status");
        Assert.True(healthyExit == 0, healthy);
        var primaryNow = await PrimaryAsync(topology);
        File.SetUnixFileMode(wal, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            await using var session = await topology.ConnectAsync(primaryNow);
            await session.ExecuteAsync("INSERT INTO pitr_writes (id) VALUES (5001)");
            await session.ExecuteAsync("SELECT pg_switch_wal()");
            await TestTopology.EventuallyAsync(async () => (await CliAsync(topology, "status")).ExitCode == 1, "status reports the failing archiver");
            var (failingExit, failing) = await CliAsync(topology, "status", "--json");
            Assert.Equal(1, failingExit);
            using var json = JsonDocument.Parse(failing);
            var node = json.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == primaryNow);
            Assert.True(node.GetProperty("archive").GetProperty("failing").GetBoolean(), failing);
            var (_, text) = await CliAsync(topology, "status");
            Assert.Contains($"'{primaryNow}' fails to archive its WAL", text, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(wal, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await TestTopology.EventuallyAsync(async () => (await CliAsync(topology, "status")).ExitCode == 0, "status is healthy once archiving succeeds again");
    }

    [Fact]
    public async Task Prune_keeps_what_the_kept_backups_need_and_the_oldest_kept_one_still_restores_to_a_time()
    {
        await using var topology = await TestTopology.StartAsync(EngineKind.Postgres, "prune", archive: "archive");
        await using (var session = await topology.ConnectAsync("primary"))
        {
            await session.ExecuteAsync("CREATE TABLE pitr_writes (id bigint PRIMARY KEY)");
        }

        var folder = Path.Combine(topology.Directory, "backups");
        var (firstExit, firstOutput) = await CliAsync(topology, "backup", "--kind", "physical", "--out", Path.Combine(folder, "first"));
        Assert.True(firstExit == 0, firstOutput);
        var older = await WriteBurstAsync(topology, "primary", 1);
        var (secondExit, secondOutput) = await CliAsync(topology, "backup", "--kind", "physical", "--out", Path.Combine(folder, "second"));
        Assert.True(secondExit == 0, secondOutput);
        var kept = await WriteBurstAsync(topology, "primary", 1001);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var later = await WriteBurstAsync(topology, "primary", 2001);
        var target = Midway(kept[^1].At, later[0].At);
        var (logicalExit, logicalOutput) = await CliAsync(topology, "backup", "--out", Path.Combine(folder, "logical"));
        Assert.True(logicalExit == 0, logicalOutput);

        // The listing: newest first, each physical backup reaching the archive's newest commit, and the window from the oldest one's completion.
        JsonElement listed = default;
        await TestTopology.EventuallyAsync(async () =>
        {
            var (exit, output) = await CliAsync(topology, "backup", "list", "--in", folder, "--json");
            Assert.True(exit == 0, output);
            listed = JsonDocument.Parse(output).RootElement.Clone();
            return listed.GetProperty("archive").GetProperty("latest") is { ValueKind: JsonValueKind.Object } latest && latest.GetProperty("transaction").GetString() == later[^1].Transaction;
        }, "the listing reaches the last write");
        var backups = listed.GetProperty("backups").EnumerateArray().ToList();
        Assert.Equal(["logical", "second", "first"], backups.Select(b => Path.GetFileName(b.GetProperty("directory").GetString())));
        Assert.All(backups.Where(b => b.GetProperty("kind").GetString() == "physical"), b => Assert.Equal(later[^1].Transaction, b.GetProperty("reachesTo").GetProperty("transaction").GetString()));
        Assert.Equal(backups[2].GetProperty("completedAt").GetDateTimeOffset(), listed.GetProperty("archive").GetProperty("earliest").GetDateTimeOffset());

        // Where replay from the kept physical backup starts; the archive holds older segments, which are what may go.
        var startSegment = File.ReadLines(Path.Combine(folder, "second", "data", "backup_label"))
            .Single(l => l.StartsWith("START WAL LOCATION:", StringComparison.Ordinal)).Split("(file ")[1].TrimEnd(')');
        var wal = Path.Combine(topology.Directory, "archive", "wal");

        // The window counts log files only (not their checksums), and the archive only grows meanwhile.
        var logFiles = Directory.EnumerateFiles(wal).Count(f => !f.EndsWith(".sha256", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith('.'));
        Assert.InRange(listed.GetProperty("archive").GetProperty("files").GetInt32(), 1, logFiles);
        List<string> Older() => Directory.EnumerateFiles(wal).Select(Path.GetFileName).OfType<string>()
            .Where(n => n.Length >= 24 && !n.Contains(".history", StringComparison.Ordinal) && string.CompareOrdinal(n[8..24], startSegment[8..]) < 0).ToList();
        Assert.NotEmpty(Older());

        var (dryExit, dry) = await CliAsync(topology, "backup", "prune", "--keep", "1", "--in", folder, "--dry-run");
        Assert.True(dryExit == 0, dry);
        Assert.Contains("would remove 1 backup", dry, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(folder, "first")) && Older().Count > 0, dry);

        var (pruneExit, pruned) = await CliAsync(topology, "backup", "prune", "--keep", "1", "--in", folder);
        Assert.True(pruneExit == 0, pruned);
        Assert.False(Directory.Exists(Path.Combine(folder, "first")), pruned);
        Assert.True(Directory.Exists(Path.Combine(folder, "second")) && Directory.Exists(Path.Combine(folder, "logical")), pruned);
        Assert.Empty(Older());
        Assert.True(File.Exists(Path.Combine(wal, startSegment)) || File.Exists(Path.Combine(folder, "second", "data", "pg_wal", startSegment)), $"{startSegment} went\n{pruned}");

        var (badExit, bad) = await CliAsync(topology, "backup", "prune", "--keep", "0", "--in", folder);
        Assert.Equal(2, badExit);
        Assert.Contains("--keep must be at least 1", bad, StringComparison.Ordinal);

        // What is left restores: the kept backup replays to a moment in the pause, exactly.
        var (restoreExit, restoreOutput) = await CliAsync(topology, "restore", "--backup", Path.Combine(folder, "second"), "--to-time", target);
        Assert.True(restoreExit == 0, restoreOutput);
        foreach (var node in topology.Environment.Nodes)
        {
            await TestTopology.EventuallyAsync(
                async () => (await IdsAsync(topology, node.Name)).SequenceEqual(older.Concat(kept).Select(a => a.Id)), $"{node.Name} holds exactly the writes before the pause");
        }
    }

    [Fact]
    public async Task In_containers_archiving_added_later_remakes_them_and_a_rehearsal_and_a_restore_to_a_time_land_exactly()
    {
        await using var topology = await TestTopology.StartAsync(EngineKind.Postgres, "dpitr", provider: ProviderKind.Docker);
        await using (var session = await topology.ConnectAsync("primary"))
        {
            await session.ExecuteAsync("CREATE TABLE pitr_writes (id bigint PRIMARY KEY)");
        }

        // Archiving added to a running docker environment: its containers were made without the
        // archive's mount, so 'up' asks for a 'down' first, and then makes them anew on their volumes.
        await File.AppendAllTextAsync(topology.File, "backup:\n  archive: archive\n");
        var (runningExit, running) = await CliAsync(topology, "up");
        Assert.Equal(1, runningExit);
        Assert.Contains("does not mount", running, StringComparison.Ordinal);
        var (downExit, down) = await CliAsync(topology, "down");
        Assert.True(downExit == 0, down);
        var (upExit, up) = await CliAsync(topology, "up");
        Assert.True(upExit == 0, up);
        Assert.Contains("anew, mounting the archive", up, StringComparison.Ordinal);
        Assert.Empty(await IdsAsync(topology, "primary"));

        var backup = await PhysicalBackupAsync(topology);
        var before = await WriteBurstAsync(topology, "primary", 1);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = await WriteBurstAsync(topology, "primary", 1001);
        var target = Midway(before[^1].At, after[0].At);

        // The containers archive into the folder on this machine.
        var wal = Path.Combine(topology.Directory, "archive", "wal");
        Assert.True(Directory.EnumerateFiles(wal, "*.sha256").Count() >= 3, string.Join(", ", Directory.EnumerateFiles(wal).Select(Path.GetFileName)));

        // A rehearsal in a scratch container, which reads the archive through a read-only mount.
        var (rehearseExit, rehearsed) = await CliAsync(topology, "rehearse", "--backup", backup, "--to-time", target, "--json");
        Assert.True(rehearseExit == 0, rehearsed);
        using (var report = JsonDocument.Parse(rehearsed))
        {
            var point = report.RootElement.GetProperty("recoveryPoint");
            Assert.Equal(after[0].Transaction, point.GetProperty("firstAfter").GetProperty("transaction").GetString());
        }

        var (restoreExit, restored) = await CliAsync(topology, "restore", "--backup", backup, "--to-time", target);
        Assert.True(restoreExit == 0, restored);
        foreach (var node in topology.Environment.Nodes)
        {
            await TestTopology.EventuallyAsync(async () => (await IdsAsync(topology, node.Name)).SequenceEqual(before.Select(a => a.Id)), $"{node.Name} holds exactly the first burst");
        }
    }

    /// <summary>The node that accepts writes now.</summary>
    private static async Task<string> PrimaryAsync(TestTopology topology)
    {
        foreach (var node in topology.Environment.Nodes)
        {
            await using var session = await topology.ConnectAsync(node.Name);
            if ((await session.QueryAsync("SELECT NOT pg_is_in_recovery() AS p")).Single().GetBoolean("p") == true)
            {
                return node.Name;
            }
        }

        throw new InvalidOperationException("no node accepts writes");
    }

    /// <summary>Inserts ids one transaction each on <paramref name="node"/>, switching WAL segments between a few of them, and records each acknowledged one.</summary>
    private static async Task<List<Acknowledged>> WriteBurstAsync(TestTopology topology, string node, long firstId)
    {
        var acknowledged = new List<Acknowledged>();
        await using var session = await topology.ConnectAsync(node);
        for (var i = 0; i < 30; i++)
        {
            var xid = (await session.QueryAsync("INSERT INTO pitr_writes (id) VALUES ($1) RETURNING pg_current_xact_id()::text AS xid", [firstId + i])).Single().GetString("xid")!;
            acknowledged.Add(new Acknowledged(firstId + i, xid, DateTimeOffset.UtcNow));
            if (i % 10 == 9)
            {
                await session.ExecuteAsync("SELECT pg_switch_wal()");
            }

            await Task.Delay(20);
        }

        return acknowledged;
    }
}
