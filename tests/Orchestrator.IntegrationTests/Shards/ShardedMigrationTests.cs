using System.Text.Json;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Progress;
using Orchestrator.Composition;
using Orchestrator.State;

namespace Orchestrator.IntegrationTests.Shards;

/// <summary>
/// Migrations fanned out across four shards of a primary and a replica each, through the command
/// line: every shard's replicas replay them, a failing shard fails alone or stops the rollout,
/// a rerun finishes the work, drift finds a shard that differs, and a failing canary stops the rest.
/// </summary>
public abstract class ShardedMigrationTests(ShardedTopologyFixture fixture)
{
    private static readonly long[] Basic = [1001, 1002, 1003, 1004];

    private protected static IReadOnlyList<string> Shards => ShardedTopologyFixture.Shards;

    private protected ShardedTopologyFixture Fixture => fixture;

    [Fact]
    public async Task Migrate_reaches_every_shards_replica_and_status_groups_the_nodes_by_shard()
    {
        var (env, database) = await NewEnvironmentAsync("basic");

        var (exitCode, output) = await Cli("migrate", env);

        Assert.True(exitCode == 0, output);
        foreach (var shard in Shards)
        {
            Assert.Equal(Basic, await VersionsAsync(shard, "primary", database));
            Assert.Equal(Basic, await VersionsAsync(shard, "replica", database));
            Assert.Matches($@"{shard}\s+│ done\s+│ 1004\s+│ 4\s+│ replica replayed", output);
        }

        var (statusExit, status) = await Cli("status", env);
        Assert.True(statusExit == 0, status);
        var blocks = Shards.Select(s => status.IndexOf($"shard {s}", StringComparison.Ordinal)).ToList();
        Assert.All(blocks, index => Assert.True(index >= 0, status));
        Assert.Equal(blocks.Order(), blocks);

        var (again, rerun) = await Cli("migrate", env);
        Assert.True(again == 0, rerun);
        Assert.Equal(ShardedTopologyFixture.ShardCount, System.Text.RegularExpressions.Regex.Matches(rerun, "up to date").Count);
    }

    [Fact]
    public async Task Backup_and_stats_act_on_every_shard_or_on_the_ones_named()
    {
        var (env, _) = await NewEnvironmentAsync("basic");
        Assert.Equal(0, (await Cli("migrate", env)).ExitCode);
        var output = Path.Combine(fixture.Directory, $"backups-{Guid.NewGuid():N}");

        var (backupExit, backup) = await Cli("backup", env, "--out", output, "--shard", "shard-2", "--shard", "shard-4");
        var (statsExit, stats) = await Cli("stats", env, "--json");

        Assert.True(backupExit == 0, backup);
        Assert.Equal(["shard-2", "shard-4"], Directory.GetDirectories(output).Select(Path.GetFileName).Order());
        Assert.All(Directory.GetDirectories(output), d => Assert.True(File.Exists(Path.Combine(d, "manifest.json")), d));
        Assert.True(statsExit == 0, stats);
        using var json = JsonDocument.Parse(stats);
        var shards = json.RootElement.GetProperty("shards").EnumerateArray().ToList();
        Assert.Equal(Shards, shards.Select(s => s.GetProperty("shard").GetString()));
        Assert.All(shards, s => Assert.Contains(
            s.GetProperty("result").GetProperty("nodes").EnumerateArray().SelectMany(n => n.GetProperty("tables").EnumerateArray()),
            t => t.GetProperty("table").GetString() == "widgets"));
    }

    [Fact]
    public async Task Down_with_purge_deletes_every_shards_folder_and_then_the_state_directory_they_were_in()
    {
        var stateDir = Path.Combine(fixture.Directory, $"purged-{Guid.NewGuid():N}");
        var file = Path.Combine(fixture.Directory, $"purged-{Guid.NewGuid():N}.yaml");
        var ports = FreePorts.Take(2);
        await File.WriteAllTextAsync(file, $"name: purged\nengine: {fixture.Dialect.Engine}\ndatabase: app\nshards:\n" +
            $"  - {{ name: one, nodes: [ {{ name: primary, role: primary, port: {ports[0]} }} ] }}\n" +
            $"  - {{ name: two, nodes: [ {{ name: primary, role: primary, port: {ports[1]} }} ] }}\n");
        var (upExit, up) = await CliRunner.RunAsync("up", "-e", file, "--state-dir", stateDir);
        try
        {
            Assert.True(upExit == 0, up);
            Assert.True(Directory.Exists(Path.Combine(stateDir, "one")) && Directory.Exists(Path.Combine(stateDir, "two")), up);
        }
        finally
        {
            var (exitCode, output) = await CliRunner.RunAsync("down", "-e", file, "--state-dir", stateDir, "--purge");
            Assert.True(exitCode == 0, output);
            Assert.False(Directory.Exists(stateDir), output);
        }
    }

    [Fact]
    public async Task The_shards_share_one_ca_so_an_application_that_trusts_tls_ca_reaches_every_node_of_every_shard_verified()
    {
        var (exitCode, pem) = await CliRunner.RunAsync("tls", "ca", "-e", fixture.File, "--state-dir", fixture.StateDir);
        Assert.True(exitCode == 0, pem);
        var caFile = Path.Combine(fixture.Directory, $"fleet-ca-{Guid.NewGuid():N}.crt");
        await File.WriteAllTextAsync(caFile, pem);

        var serials = new HashSet<string>(StringComparer.Ordinal);
        foreach (var shard in Shards)
        {
            var environment = fixture.Environment.Shard(shard);
            var credentials = CredentialStore.Resolve(environment, StateLayout.For(environment, fixture.StateDir), create: false);
            foreach (var node in environment.Nodes)
            {
                await PresentedCertificate.ConnectVerifiedAsync(environment.Engine, node, credentials.AdminUser, credentials.AdminPassword.Reveal(), caFile);
                serials.Add(await PresentedCertificate.SerialAsync(environment.Engine, node, credentials.AdminUser, credentials.AdminPassword.Reveal()));
            }
        }

        // Every node presents a certificate of its own, from the one CA.
        Assert.Equal(ShardedTopologyFixture.ShardCount * 2, serials.Count);
    }

    [Fact]
    public async Task Unknown_shards_and_commands_that_need_one_shard_are_refused_as_bad_input()
    {
        var (env, _) = await NewEnvironmentAsync("basic");

        var (unknown, unknownOutput) = await Cli("migrate", env, "--shard", "shard-9");
        var (history, historyOutput) = await Cli("history", env);
        var (both, bothOutput) = await Cli("drift", env, "--across-shards", "--shard", "shard-1");
        var (badReference, badReferenceOutput) = await Cli("drift", env, "--across-shards", "--reference", "shard-9");
        var (referenceAlone, referenceAloneOutput) = await Cli("drift", env, "--reference", "shard-1");
        var (badPolicy, badPolicyOutput) = await Cli("migrate", env, "--on-failure", "maybe");

        Assert.Equal(2, unknown);
        Assert.Contains("no shard 'shard-9'", unknownOutput, StringComparison.Ordinal);
        Assert.Equal(2, history);
        Assert.Contains("--shard", historyOutput, StringComparison.Ordinal);
        Assert.Equal(2, both);
        Assert.Contains("at least two shards", bothOutput, StringComparison.Ordinal);
        Assert.Equal(2, badReference);
        Assert.Contains("no shard 'shard-9'", badReferenceOutput, StringComparison.Ordinal);
        Assert.Equal(2, referenceAlone);
        Assert.Contains("add --across-shards", referenceAloneOutput, StringComparison.Ordinal);
        Assert.Equal(2, badPolicy);
        Assert.Contains("'stop'", badPolicyOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shard_whose_replica_is_down_fails_alone_under_continue_stops_the_rest_under_stop_and_a_rerun_after_up_completes()
    {
        var (continued, continuedDatabase) = await NewEnvironmentAsync("basic");
        var (stopped, stoppedDatabase) = await NewEnvironmentAsync("basic");
        fixture.Kill("shard-2", "replica");
        try
        {
            var (continueExit, continueOutput) = await Cli("migrate", continued, "--on-failure", "continue", "--parallel", "1");
            var (stopExit, stopOutput) = await Cli("migrate", stopped, "--on-failure", "stop", "--parallel", "1");

            Assert.Equal(1, continueExit);
            Assert.Contains("shard shard-2 (at version 1001)", continueOutput, StringComparison.Ordinal);
            foreach (var shard in Shards.Where(s => s != "shard-2"))
            {
                Assert.Equal(Basic, await VersionsAsync(shard, "replica", continuedDatabase));
            }

            // The failed shard's primary keeps what it applied; its replica missed it.
            Assert.Equal([1001], await VersionsAsync("shard-2", "primary", continuedDatabase));

            Assert.Equal(1, stopExit);
            Assert.Contains("shard shard-2 (at version 1001)", stopOutput, StringComparison.Ordinal);
            Assert.Matches(@"shard-3\s+│ not started", stopOutput);
            Assert.Matches(@"shard-4\s+│ not started", stopOutput);
            Assert.Equal(Basic, await VersionsAsync("shard-1", "replica", stoppedDatabase));
            Assert.Empty(await VersionsAsync("shard-3", "primary", stoppedDatabase));
            Assert.Empty(await VersionsAsync("shard-4", "primary", stoppedDatabase));

            var (planExit, plan) = await Cli("plan", stopped);
            Assert.True(planExit == 0, plan);
            Assert.Contains("the shards sit at different versions", plan, StringComparison.Ordinal);
        }
        finally
        {
            var (upExit, up) = await Cli("up", fixture.File);
            Assert.True(upExit == 0, up);
        }

        var (rerunExit, rerun) = await Cli("migrate", stopped);
        Assert.True(rerunExit == 0, rerun);
        Assert.Matches(@"shard-1\s+│ up to date", rerun);
        foreach (var shard in Shards)
        {
            Assert.Equal(Basic, await VersionsAsync(shard, "replica", stoppedDatabase));
        }

        Assert.Equal(0, (await Cli("migrate", continued)).ExitCode);
        Assert.Equal(Basic, await VersionsAsync("shard-2", "replica", continuedDatabase));
    }

    [Fact]
    public async Task Drift_across_shards_reports_a_column_added_by_hand_on_one_shard()
    {
        var (env, database) = await NewEnvironmentAsync("basic");
        Assert.Equal(0, (await Cli("migrate", env)).ExitCode);
        var (cleanExit, clean) = await Cli("drift", env, "--across-shards");
        Assert.True(cleanExit == 0, clean);

        await using (var session = await fixture.ConnectAsync("shard-3", "primary", database))
        {
            await session.ExecuteAsync("ALTER TABLE widgets ADD COLUMN hand_added int");
        }

        await TestTopology.EventuallyAsync(
            async () =>
            {
                await using var replica = await fixture.ConnectAsync("shard-3", "replica", database);
                await replica.QueryAsync("SELECT hand_added FROM widgets");
                return true;
            },
            "shard-3's replica has the hand-added column");
        var (exitCode, output) = await Cli("drift", env, "--across-shards", "--json");

        Assert.Equal(1, exitCode);
        using var json = JsonDocument.Parse(output);
        var differing = json.RootElement.GetProperty("comparisons").EnumerateArray().Where(c => c.GetProperty("differences").GetArrayLength() > 0).ToList();
        var comparison = Assert.Single(differing);
        Assert.EndsWith("shard-1/primary", comparison.GetProperty("left").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("shard-3/primary", comparison.GetProperty("right").GetString(), StringComparison.Ordinal);
        var difference = Assert.Single(comparison.GetProperty("differences").EnumerateArray());
        Assert.Equal("hand_added", difference.GetProperty("name").GetString());

        // Against shard-3 as the reference, every other shard lacks the column.
        var (referenceExit, reference) = await Cli("drift", env, "--across-shards", "--reference", "shard-3");
        Assert.Equal(1, referenceExit);
        Assert.Equal(ShardedTopologyFixture.ShardCount - 1, System.Text.RegularExpressions.Regex.Matches(reference, "column hand_added").Count);
    }

    [Fact]
    public async Task A_failing_canary_stops_the_rollout_before_any_other_shard_starts()
    {
        var (env, database) = await NewEnvironmentAsync("basic");

        // The canary's first migration creates widgets, which is already there.
        await using (var session = await fixture.ConnectAsync("shard-1", "primary", database))
        {
            await session.ExecuteAsync("CREATE TABLE widgets (id int)");
        }

        var (exitCode, output) = await Cli("migrate", env, "--canary", "1", "--on-failure", "continue");

        Assert.Equal(1, exitCode);
        Assert.Contains("shard shard-1", output, StringComparison.Ordinal);
        Assert.Contains("a canary shard failed", output, StringComparison.Ordinal);
        foreach (var shard in Shards.Skip(1))
        {
            Assert.Matches($@"{shard}\s+│ not started", output);
            Assert.Empty(await VersionsAsync(shard, "primary", database));
        }
    }

    [Fact]
    public async Task Two_runners_over_the_same_fleet_apply_each_migration_once_on_every_shard()
    {
        var (env, database) = await NewEnvironmentAsync("basic");

        var results = await Task.WhenAll(Cli("migrate", env), Cli("migrate", env));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Output));
        foreach (var shard in Shards)
        {
            Assert.Equal(Basic, await VersionsAsync(shard, "primary", database));
        }
    }

    [Fact]
    public async Task A_shard_asked_to_stop_finishes_the_migration_it_is_on_and_its_replica_replays_it()
    {
        var (env, database) = await NewEnvironmentAsync("basic");
        var shard = EnvironmentLoader.LoadOrThrow(env).Shard("shard-1");
        using var stop = new CancellationTokenSource();
        using var project = await MigrationProject.LoadAsync(shard, CancellationToken.None);
        await using var target = await MigrationTarget.OpenAsync(CompositionRoot.Open(shard, fixture.StateDir, new StopAfterFirstMigration(stop)), project, CancellationToken.None);

        var outcome = await target.Runner.MigrateAsync(project, new MigrateOptions { StopBefore = stop.Token }, CancellationToken.None);

        Assert.True(outcome.Stopped);
        Assert.Equal([1001L], outcome.Ran.Select(r => r.Step.Migration.Version));
        Assert.True(Assert.Single(outcome.Replicas).Replayed);
        Assert.Equal([1001], await VersionsAsync("shard-1", "primary", database));
        Assert.Equal([1001], await VersionsAsync("shard-1", "replica", database));
    }

    [Fact]
    public async Task Each_shard_archives_into_a_folder_of_its_own_and_a_shard_rehearses_random_points_exactly()
    {
        var backup = Path.Combine(fixture.Directory, $"base-{Guid.NewGuid():N}");
        var (backupExit, backupOutput) = await Cli("backup", fixture.File, "--shard", "shard-2", "--kind", "physical", "--out", backup);
        Assert.True(backupExit == 0, backupOutput);

        // Commits after the backup on every shard, which each shard's archive holds apart; a
        // second apart from it, since MariaDB's binary-log times are whole seconds.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var (env, _) = await NewEnvironmentAsync("basic");
        var (migrateExit, migrated) = await Cli("migrate", env);
        Assert.True(migrateExit == 0, migrated);
        var (rehearseExit, rehearsed) = await Cli("rehearse", fixture.File, "--shard", "shard-2", "--backup", Path.Combine(backup, "shard-2"), "--random-points", "2", "--json");

        Assert.True(rehearseExit == 0, rehearsed);
        using (var report = JsonDocument.Parse(rehearsed))
        {
            var points = report.RootElement.GetProperty("points").EnumerateArray().ToList();
            Assert.Equal(2, points.Count);
            Assert.All(points, p => Assert.True(p.GetProperty("exact").GetBoolean(), rehearsed));
        }

        var archive = Path.Combine(fixture.Directory, "archive");
        Assert.Equal(Shards, Directory.EnumerateDirectories(archive).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(Shards, shard => Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(archive, shard), "*.sha256", SearchOption.AllDirectories)));
    }

    [Fact]
    public async Task Tls_rotate_ca_moves_every_shard_together_keeps_both_cas_through_a_shards_plain_rotation_and_finishes_a_cut_short_last_step()
    {
        var nodes = Shards.SelectMany(shard => fixture.Environment.Shard(shard).Nodes.Select(node => (Shard: shard, Node: node))).ToList();
        var before = new Dictionary<string, string>();
        foreach (var (shard, node) in nodes)
        {
            before[$"{shard}/{node.Name}"] = await SerialAsync(shard, node);
        }

        var oldCa = await TlsCaAsync("old");
        var (refusedExit, refused) = await Tls("rotate", "--ca", "--shard", "shard-1");
        Assert.True(refusedExit == 2, refused);
        Assert.Contains("moves every shard", refused, StringComparison.Ordinal);

        // Staged on every shard: both CAs trusted everywhere.
        var (stagedExit, staged) = await Tls("rotate", "--ca", "--stage");
        Assert.True(stagedExit == 0, staged);
        var bothCas = await TlsCaAsync("both");
        Assert.Equal(2, Certificates(bothCas).Count);

        // One shard's plain rotation meanwhile: its nodes move to the new CA, and the old CA stays
        // trusted, so the other shards' nodes, which still present certificates of the old CA, verify.
        var (shardExit, shardOutput) = await Tls("rotate", "--shard", "shard-1");
        Assert.True(shardExit == 0, shardOutput);
        Assert.Contains("the old CA stays trusted", shardOutput, StringComparison.Ordinal);
        Assert.Equal(2, Certificates(await TlsCaAsync("still-both")).Count);
        foreach (var (shard, node) in nodes.Where(n => n.Shard != "shard-1"))
        {
            await ConnectVerifiedAsync(shard, node, oldCa);
        }

        // The other shards likewise, which leaves the fleet as the second step of 'tls rotate --ca' does.
        foreach (var shard in Shards.Where(s => s != "shard-1"))
        {
            var (exitOfShard, outputOfShard) = await Tls("rotate", "--shard", shard);
            Assert.True(exitOfShard == 0, outputOfShard);
            Assert.Contains("the old CA stays trusted", outputOfShard, StringComparison.Ordinal);
        }

        // The last step cut short just after the old CA was dropped: the next run finishes with the same new CA.
        var newSerial = Certificates(bothCas)[0].SerialNumber;
        var fleetState = StateLayout.For(fixture.Environment.Shard(Shards[0]), fixture.StateDir);
        EnvironmentCa.In(fleetState, fixture.Environment.Name).DropRetiredCas();
        var (exit, output) = await Tls("rotate", "--ca");

        Assert.True(exit == 0, output);
        Assert.Contains("cut short in its last step", output, StringComparison.Ordinal);
        var newCa = await TlsCaAsync("new");
        Assert.Equal(newSerial, Assert.Single(Certificates(newCa)).SerialNumber);
        foreach (var (shard, node) in nodes)
        {
            var serial = await SerialAsync(shard, node);
            Assert.NotEqual(before[$"{shard}/{node.Name}"], serial);
            Assert.Contains($"{shard}/{node.Name}", output, StringComparison.Ordinal);
            Assert.Contains(serial, output, StringComparison.Ordinal);
            await ConnectVerifiedAsync(shard, node, newCa);
            await Assert.ThrowsAnyAsync<Exception>(() => ConnectVerifiedAsync(shard, node, oldCa));
        }

        // Over: the next CA rotation starts a CA of its own.
        Assert.False(EnvironmentCa.In(fleetState, fixture.Environment.Name).CaRotationFinishing);

        // Every shard's replica replicates under the new CA: a migration counts only once each has replayed it.
        var (env, database) = await NewEnvironmentAsync("basic");
        var (migrateExit, migrated) = await Cli("migrate", env);
        Assert.True(migrateExit == 0, migrated);
        foreach (var shard in Shards)
        {
            Assert.Equal(Basic, await VersionsAsync(shard, "replica", database));
        }
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2Collection Certificates(string pemFile)
    {
        var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        certificates.ImportFromPemFile(pemFile);
        return certificates;
    }

    private Task<string> SerialAsync(string shard, NodeDefinition node)
    {
        var credentials = fixture.Credentials(shard);
        return PresentedCertificate.SerialAsync(fixture.Engine, node, credentials.AdminUser, credentials.AdminPassword.Reveal());
    }

    private Task ConnectVerifiedAsync(string shard, NodeDefinition node, string caFile)
    {
        var credentials = fixture.Credentials(shard);
        return PresentedCertificate.ConnectVerifiedAsync(fixture.Engine, node, credentials.AdminUser, credentials.AdminPassword.Reveal(), caFile);
    }

    /// <summary>What <c>tls ca</c> prints now, in a file of its own.</summary>
    private async Task<string> TlsCaAsync(string label)
    {
        var (exit, pem) = await Tls("ca");
        Assert.True(exit == 0, pem);
        var file = Path.Combine(fixture.Directory, $"ca-{label}-{Guid.NewGuid():N}.crt");
        await File.WriteAllTextAsync(file, pem);
        return file;
    }

    /// <summary>A database of its own on every shard (as 'up' creates the file's database), and an environment file for it.</summary>
    private async Task<(string File, string Database)> NewEnvironmentAsync(string tag)
    {
        var database = $"s_{Guid.NewGuid():N}"[..20];
        foreach (var shard in Shards)
        {
            await using var session = await fixture.ConnectAsync(shard, "primary", null);
            await session.ExecuteAsync($"CREATE DATABASE {database}");
        }

        return (fixture.WriteEnvironment(database, tag), database);
    }

    private Task<(int ExitCode, string Output)> Cli(string verb, string environment, params string[] more) =>
        CliRunner.RunAsync([verb, "-e", environment, "--state-dir", fixture.StateDir, .. more]);

    private Task<(int ExitCode, string Output)> Tls(string verb, params string[] more) =>
        CliRunner.RunAsync(["tls", verb, "-e", fixture.File, "--state-dir", fixture.StateDir, .. more]);

    /// <summary>The versions in the shard node's VersionInfo; none when the database or the table is not there yet.</summary>
    private async Task<IReadOnlyList<long>> VersionsAsync(string shard, string node, string database)
    {
        try
        {
            await using var session = await fixture.ConnectAsync(shard, node, database);
            return (await session.QueryAsync(fixture.Dialect.VersionsSql)).Select(r => r.GetInt64("v")!.Value).ToList();
        }
        catch (DatabaseException e) when (e.Code == fixture.Dialect.NoSuchTableCode || e.Code is "3D000" or "1049")
        {
            return [];
        }
    }
}

[Collection(PostgresShardsCollection.Name)]
public sealed class PostgresShardedMigrationTests(PostgresShardsFixture fixture) : ShardedMigrationTests(fixture);

[Collection(MariaDbShardsCollection.Name)]
public sealed class MariaDbShardedMigrationTests(MariaDbShardsFixture fixture) : ShardedMigrationTests(fixture)
{
    /// <summary>
    /// The shards share the project's translations only where their databases agree: a shard whose
    /// database defaults to another character set gets text columns that name utf8mb4, also after
    /// shards with utf8mb4 databases translated the same migrations (one after another here, so
    /// that they do so first).
    /// </summary>
    [Fact]
    public async Task A_shard_whose_database_defaults_to_another_character_set_still_gets_utf8mb4_text_columns()
    {
        var database = $"s_{Guid.NewGuid():N}"[..20];
        foreach (var shard in Shards)
        {
            await using var session = await Fixture.ConnectAsync(shard, "primary", null);
            await session.ExecuteAsync($"CREATE DATABASE {database}{(shard == Shards[^1] ? " CHARACTER SET latin1" : "")}");
        }

        var (exitCode, output) = await CliRunner.RunAsync("migrate", "-e", Fixture.WriteEnvironment(database, "basic"), "--state-dir", Fixture.StateDir, "--parallel", "1");

        Assert.True(exitCode == 0, output);
        foreach (var shard in Shards)
        {
            await using var session = await Fixture.ConnectAsync(shard, "primary", database);
            var charsets = (await session.QueryAsync(
                "SELECT COLUMN_NAME AS name, CHARACTER_SET_NAME AS charset FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'widgets' AND COLUMN_NAME IN ('name', 'color') ORDER BY COLUMN_NAME"))
                .Select(r => $"{r.GetString("name")} {r.GetString("charset")}");
            Assert.Equal(["color utf8mb4", "name utf8mb4"], charsets);
        }
    }
}

/// <summary>Asks the run to stop as soon as its first migration has been applied, as a failure on another shard would.</summary>
internal sealed class StopAfterFirstMigration(CancellationTokenSource stop) : ITopologyProgress
{
    public void Report(ProgressEvent progressEvent)
    {
        if (progressEvent.Kind == ProgressKind.Finished && progressEvent.Message.StartsWith("apply ", StringComparison.Ordinal))
        {
            stop.Cancel();
        }
    }
}
