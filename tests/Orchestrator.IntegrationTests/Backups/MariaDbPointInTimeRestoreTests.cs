using System.Globalization;
using System.Text.Json;
using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;
using static Orchestrator.IntegrationTests.Backups.PointInTimeSteps;

namespace Orchestrator.IntegrationTests.Backups;

/// <summary>
/// Point-in-time restore on MariaDB with the binary-log archiver running (backup.archive): a
/// physical backup, acknowledged writes in two bursts with a switchover and a pause between;
/// rehearsals and a restore to targets inside the pause land exactly between the bursts, a missing
/// archived log is refused before anything changes, a damaged one fails the rehearsal, and a
/// stopped archiver shows in status until 'up' starts it again (a running one would copy the
/// removed log back from its node at once).
/// </summary>
public sealed class MariaDbPointInTimeRestoreTests
{
    /// <summary>A write the server acknowledged: its id, GTID, time, and the binary log it went into.</summary>
    private sealed record Acknowledged(long Id, string Gtid, DateTimeOffset At, string Log);

    [Fact]
    public async Task Restore_and_rehearse_to_a_time_or_a_gtid_after_a_switchover_land_exactly_between_the_bursts()
    {
        await using var topology = await TestTopology.StartAsync(EngineKind.MariaDb, "mpitr", archive: "archive");
        await using (var session = await topology.ConnectAsync("primary"))
        {
            await session.ExecuteAsync("CREATE TABLE pitr_writes (id bigint PRIMARY KEY)");
        }

        var backup = await PhysicalBackupAsync(topology);

        // Binary-log times are whole seconds: the pause spans more than two, so its middle second holds no write.
        var before = await WriteBurstAsync(topology, "primary", 1);
        var (switchExit, switchOutput) = await CliAsync(topology, "switchover", "--to", "replica-1");
        Assert.True(switchExit == 0, switchOutput);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await WriteBurstAsync(topology, "replica-1", 1001);
        var target = Midway(before[^1].At, after[0].At);

        foreach (var arguments in new[]
        {
            new[] { "--to-time", target },
            ["--to-transaction", before[^1].Gtid],
            ["--to-transaction", after[0].Gtid, "--exclusive"],
        })
        {
            var (exit, output) = await CliAsync(topology, ["rehearse", "--backup", backup, "--json", .. arguments]);
            Assert.True(exit == 0, output);
            using var report = JsonDocument.Parse(output);
            var point = report.RootElement.GetProperty("recoveryPoint");
            Assert.True(after[0].Gtid == point.GetProperty("firstAfter").GetProperty("transaction").GetString(), $"{string.Join(' ', arguments)}: expected {after[0].Gtid} first after the target\n{output}");
            Assert.Equal(before[^1].Gtid, point.GetProperty("reachedPosition").GetString());
        }

        var (randomExit, random) = await CliAsync(topology, "rehearse", "--backup", backup, "--random-points", "2", "--json");
        Assert.True(randomExit == 0, random);
        using (var points = JsonDocument.Parse(random))
        {
            Assert.All(points.RootElement.GetProperty("points").EnumerateArray(), p => Assert.True(p.GetProperty("exact").GetBoolean(), random));
        }

        var (postgresTargetExit, postgresTarget) = await CliAsync(topology, "rehearse", "--backup", backup, "--to-position", "0/3000148");
        Assert.Equal(2, postgresTargetExit);
        Assert.Contains("a MariaDB restore stops at a transaction named by its GTID", postgresTarget, StringComparison.Ordinal);

        // Every node's logs are archived, each line of them in a generation folder of its own.
        var binlogs = Path.Combine(topology.Directory, "archive", "binlog");
        Assert.All(topology.Environment.Nodes, node => Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(binlogs, node.Name), "binlog.*.sha256", SearchOption.AllDirectories)));

        // A stopped archiver shows in status; with it stopped, the archive holds still for the damage below.
        var pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(topology.StateDir, "binlog-archiver.pid")), CultureInfo.InvariantCulture);
        System.Diagnostics.Process.GetProcessById(pid).Kill();
        await TestTopology.EventuallyAsync(async () => (await ArchiverProblemsAsync(topology)).Count == 1, "status reports the stopped archiver");
        var (stoppedExit, stopped) = await CliAsync(topology, "status");
        Assert.Equal(1, stoppedExit);
        Assert.Contains("the binary-log archiver is not running", stopped, StringComparison.Ordinal);

        // A gap: with only the new primary's line of logs left, one of its logs between the bursts goes missing. Nothing is restored.
        var aside = Path.Combine(topology.Directory, "aside");
        Directory.CreateDirectory(aside);
        foreach (var node in topology.Environment.Nodes.Where(n => n.Name != "replica-1"))
        {
            Directory.Move(Path.Combine(binlogs, node.Name), Path.Combine(aside, node.Name));
        }

        var lines = Directory.EnumerateDirectories(Path.Combine(binlogs, "replica-1")).ToList();
        Assert.True(lines.Count == 1, string.Join("\n", Directory.EnumerateFiles(binlogs, "*", SearchOption.AllDirectories)) + "\n" + await File.ReadAllTextAsync(Path.Combine(topology.StateDir, "binlog-archiver.log")));
        var line = lines[0];
        var missing = Path.Combine(line, after[15].Log);
        File.Move(missing, Path.Combine(aside, "missing"));
        var (gapExit, gapOutput) = await CliAsync(topology, "restore", "--backup", backup, "--to-time", target);
        Assert.Equal(1, gapExit);
        Assert.Contains($"the archive lacks binary log {missing}", gapOutput, StringComparison.Ordinal);
        Assert.Contains("Nothing was restored", gapOutput, StringComparison.Ordinal);
        Assert.Equal(before.Count + after.Count, (await IdsAsync(topology, "replica-1")).Count);
        File.Move(Path.Combine(aside, "missing"), missing);

        // A damaged log on the way fails the rehearsal, naming it.
        var damaged = Path.Combine(line, after[5].Log);
        var original = await File.ReadAllBytesAsync(damaged);
        var flipped = original.ToArray();
        flipped[flipped.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(damaged, flipped);
        var (damagedExit, damagedOutput) = await CliAsync(topology, "rehearse", "--backup", backup, "--to-time", target);
        Assert.Equal(1, damagedExit);
        Assert.Contains($"archived binary log {damaged} is damaged", damagedOutput, StringComparison.Ordinal);
        await File.WriteAllBytesAsync(damaged, original);
        foreach (var node in topology.Environment.Nodes.Where(n => n.Name != "replica-1"))
        {
            Directory.Move(Path.Combine(aside, node.Name), Path.Combine(binlogs, node.Name));
        }

        // 'up' starts the archiver again.
        var (upExit, up) = await CliAsync(topology, "up");
        Assert.True(upExit == 0, up);
        Assert.Contains("start the binary-log archiver", up, StringComparison.Ordinal);
        Assert.Empty(await ArchiverProblemsAsync(topology));

        // The restore: exactly the first burst, on the primary and on the replicas cloned from it.
        var (restoreExit, restoreOutput) = await CliAsync(topology, "restore", "--backup", backup, "--to-time", target);
        Assert.True(restoreExit == 0, restoreOutput);
        Assert.Contains($"transaction {after[0].Gtid}", restoreOutput, StringComparison.Ordinal);
        foreach (var node in topology.Environment.Nodes)
        {
            await TestTopology.EventuallyAsync(async () => (await IdsAsync(topology, node.Name)).SequenceEqual(before.Select(a => a.Id)), $"{node.Name} holds exactly the first burst");
        }

        // The restore marked the lines it left behind: with writes on the restored primary, a replay
        // from the old backup follows the restored history, and the abandoned burst is no target
        // (its first GTID now names the write on the restored primary; a later one names nothing).
        await using (var session = await topology.ConnectAsync(await WritableAsync(topology)))
        {
            await session.ExecuteAsync("INSERT INTO pitr_writes (id) VALUES (5000)");
        }

        Assert.NotEmpty(Directory.EnumerateFiles(binlogs, "abandoned-after", SearchOption.AllDirectories));
        var (againExit, again) = await CliAsync(topology, "rehearse", "--backup", backup, "--to-time", target, "--json");
        Assert.True(againExit == 0, again);
        var (abandonedExit, abandoned) = await CliAsync(topology, "rehearse", "--backup", backup, "--to-transaction", after[5].Gtid);
        Assert.Equal(2, abandonedExit);
        Assert.Contains($"transaction {after[5].Gtid} is not among", abandoned, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_containers_the_archiver_reads_the_volumes_and_a_rehearsal_and_a_restore_to_a_time_land_exactly()
    {
        await using var topology = await TestTopology.StartAsync(EngineKind.MariaDb, "dmpitr", provider: ProviderKind.Docker, archive: "archive");
        await using (var session = await topology.ConnectAsync("primary"))
        {
            await session.ExecuteAsync("CREATE TABLE pitr_writes (id bigint PRIMARY KEY)");
        }

        var backup = await PhysicalBackupAsync(topology);
        var before = await WriteBurstAsync(topology, "primary", 1);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await WriteBurstAsync(topology, "primary", 1001);
        var target = Midway(before[^1].At, after[0].At);

        // The archiver on this machine copies every container's closed logs from its volume (the
        // primary's, which the bursts switch, and each replica's first).
        var binlogs = Path.Combine(topology.Directory, "archive", "binlog");
        int Archived(string node) => Directory.Exists(Path.Combine(binlogs, node)) ? Directory.EnumerateFiles(Path.Combine(binlogs, node), "binlog.*.sha256", SearchOption.AllDirectories).Count() : 0;
        bool AllArchived() => Archived("primary") >= 6 && topology.Environment.Nodes.All(n => Archived(n.Name) >= 1);
        await Poll.UntilAsync(
            () => Task.FromResult(AllArchived()), TimeSpan.FromSeconds(60),
            () => $"not every node's closed logs were archived; the archiver's log:\n{File.ReadAllText(Path.Combine(topology.StateDir, "binlog-archiver.log"))}", CancellationToken.None);
        Assert.Empty(await ArchiverProblemsAsync(topology));

        var (rehearseExit, rehearsed) = await CliAsync(topology, "rehearse", "--backup", backup, "--to-time", target, "--json");
        Assert.True(rehearseExit == 0, rehearsed);
        using (var report = JsonDocument.Parse(rehearsed))
        {
            var point = report.RootElement.GetProperty("recoveryPoint");
            Assert.Equal(after[0].Gtid, point.GetProperty("firstAfter").GetProperty("transaction").GetString());
            Assert.Equal(before[^1].Gtid, point.GetProperty("reachedPosition").GetString());
        }

        var (restoreExit, restored) = await CliAsync(topology, "restore", "--backup", backup, "--to-time", target);
        Assert.True(restoreExit == 0, restored);
        foreach (var node in topology.Environment.Nodes)
        {
            await TestTopology.EventuallyAsync(async () => (await IdsAsync(topology, node.Name)).SequenceEqual(before.Select(a => a.Id)), $"{node.Name} holds exactly the first burst");
        }

        // A stopped archiver shows in status, and 'up' starts it again.
        var pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(topology.StateDir, "binlog-archiver.pid")), CultureInfo.InvariantCulture);
        System.Diagnostics.Process.GetProcessById(pid).Kill();
        await TestTopology.EventuallyAsync(async () => (await ArchiverProblemsAsync(topology)).Count == 1, "status reports the stopped archiver");
        var (upExit, up) = await CliAsync(topology, "up");
        Assert.True(upExit == 0, up);
        Assert.Empty(await ArchiverProblemsAsync(topology));
    }

    /// <summary>The node that accepts writes now (the restore restored the primary of the shape the switchover left).</summary>
    private static async Task<string> WritableAsync(TestTopology topology)
    {
        foreach (var node in topology.Environment.Nodes)
        {
            await using var session = await topology.ConnectAsync(node.Name);
            if ((await session.QueryAsync("SELECT @@read_only AS ro")).Single().GetInt64("ro") == 0)
            {
                return node.Name;
            }
        }

        throw new InvalidOperationException("no node accepts writes");
    }

    private static async Task<IReadOnlyList<string>> ArchiverProblemsAsync(TestTopology topology)
    {
        var (_, output) = await CliAsync(topology, "status", "--json");
        using var status = JsonDocument.Parse(output);
        return status.RootElement.GetProperty("archiverProblems").EnumerateArray().Select(p => p.GetString()!).ToList();
    }

    /// <summary>Inserts ids one transaction each on <paramref name="node"/>, switching binary logs between a few of them, and records each acknowledged one with its GTID.</summary>
    private static async Task<List<Acknowledged>> WriteBurstAsync(TestTopology topology, string node, long firstId)
    {
        var acknowledged = new List<Acknowledged>();
        await using var session = await topology.ConnectAsync(node);
        for (var i = 0; i < 30; i++)
        {
            await session.ExecuteAsync("INSERT INTO pitr_writes (id) VALUES (?)", [firstId + i]);
            var gtid = (await session.QueryAsync("SELECT @@last_gtid AS gtid")).Single().GetString("gtid")!;
            var log = (await session.QueryAsync("SHOW MASTER STATUS")).Single().GetString("File")!;
            acknowledged.Add(new Acknowledged(firstId + i, gtid, DateTimeOffset.UtcNow, log));
            if (i % 10 == 9)
            {
                await session.ExecuteAsync("FLUSH BINARY LOGS");
            }

            await Task.Delay(20);
        }

        return acknowledged;
    }
}
