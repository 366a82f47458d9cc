using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Progress;
using Orchestrator.Composition;

namespace Orchestrator.IntegrationTests.Migrations;

/// <summary>Migrations as a topology operation: replay by every replica, a dead replica, external environments, TLS, the replication-safety lint.</summary>
public abstract class ReplicationAwareMigrationTests(TopologyFixture fixture) : MigrationTestBase(fixture)
{
    [Fact]
    public async Task When_migrate_returns_every_replica_including_the_cascading_one_has_replayed_it()
    {
        var (env, database) = await EnvironmentAsync("basic");

        var (exitCode, output) = await Cli("migrate", env);

        Assert.True(exitCode == 0, output);
        Assert.Contains("replica-2    replayed version 1004", output, StringComparison.Ordinal);
        foreach (var replica in new[] { "replica-1", "replica-2" })
        {
            // No polling: migrate has already waited for each replica to replay every migration.
            Assert.Equal([1001, 1002, 1003, 1004], await VersionsAsync(database, replica));
            await using var session = await Topology.ConnectAsync(replica, database);
            Assert.Equal(2, (await session.QueryAsync("SELECT COUNT(*) AS n FROM widgets")).Single().GetInt64("n"));
        }
    }

    [Fact]
    public async Task A_dead_replica_stops_migrate_naming_it_unreachable_exits_1_and_keeps_the_primarys_work()
    {
        var (env, database) = await EnvironmentAsync("basic");
        await Topology.KillServerAsync("replica-2");
        try
        {
            await using (var target = await MigrationTarget.OpenAsync(CompositionRoot.Open(EnvironmentLoader.LoadOrThrow(env), Topology.StateDir, SilentProgress.Instance), CancellationToken.None))
            {
                var lag = await Assert.ThrowsAsync<ReplicationLagException>(() => target.Runner.MigrateAsync(target.Project, new MigrateOptions(), CancellationToken.None));
                Assert.True(lag.Replicas.Single(r => r.Node == "replica-1").Replayed);
                var failure = lag.Replicas.Single(r => r.Node == "replica-2").Failure;
                Assert.Equal((ReplayFailureKind.Unreachable, "replica-2"), (failure?.Kind, failure?.Node));
                Assert.Equal([1001], await VersionsAsync(database));
            }

            // The command line stops the same way after the next migration.
            var (exitCode, output) = await Cli("migrate", env);
            Assert.True(exitCode == 1, output);
            Assert.Equal([1001, 1002], await VersionsAsync(database));
        }
        finally
        {
            await Topology.UpAsync();
        }

        await TestTopology.EventuallyAsync(async () => (await VersionsAsync(database, "replica-2")).SequenceEqual([1001L, 1002L]), "replica-2 caught up");
        var (statusExit, status) = await Cli("status", env, "--json");
        Assert.True(statusExit == 0, status);
        using (var json = System.Text.Json.JsonDocument.Parse(status))
        {
            foreach (var node in json.RootElement.GetProperty("nodes").EnumerateArray())
            {
                Assert.Equal(1002, node.GetProperty("schemaVersion").GetInt64());
                Assert.Equal(2, node.GetProperty("pendingMigrations").GetInt32());
                Assert.Equal(System.Text.Json.JsonValueKind.String, node.GetProperty("lastAppliedOn").ValueKind);
            }
        }

        var (again, againOutput) = await Cli("migrate", env);
        Assert.True(again == 0, againOutput);
        Assert.Equal([1001, 1002, 1003, 1004], await VersionsAsync(database, "replica-2"));
    }

    [Fact]
    public async Task A_primary_that_dies_while_the_replicas_replay_stops_migrate_at_once_saying_so()
    {
        var (env, database) = await EnvironmentAsync("basic");

        // replica-1 holds back its replay (replica-2 replicates from it), so migrate is still
        // waiting for the first migration when the primary dies.
        await HoldReplayAsync("replica-1", hold: true);
        try
        {
            await using var target = await MigrationTarget.OpenAsync(CompositionRoot.Open(EnvironmentLoader.LoadOrThrow(env), Topology.StateDir, SilentProgress.Instance), CancellationToken.None);
            var run = target.Runner.MigrateAsync(target.Project, new MigrateOptions(), CancellationToken.None);
            await TestTopology.EventuallyAsync(async () => (await VersionsAsync(database)).Count == 1, "the first migration committed on the primary");
            Assert.False(run.IsCompleted);
            await Topology.KillServerAsync("primary");

            // Without the watch, this would be the replay timeout's report (60 s, "NOT replayed").
            var failure = await Assert.ThrowsAsync<MigrationFailedException>(() => run);
            Assert.Contains("migration 1001", failure.Message, StringComparison.Ordinal);
            Assert.Contains("but then the primary went away", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            await Topology.UpAsync();
            await HoldReplayAsync("replica-1", hold: false);
        }

        var (exitCode, output) = await Cli("migrate", env);
        Assert.True(exitCode == 0, output);
        Assert.Equal([1001, 1002, 1003, 1004], await VersionsAsync(database, "replica-2"));
    }

    [Fact]
    public async Task An_external_environment_over_servers_started_outside_it_is_migrated_and_its_status_read()
    {
        var database = await NewDatabaseAsync();
        var external = Topology.WriteExternalEnvironment(database, BuiltArtifacts.TestMigrations, "basic");

        var (statusExit, status) = await CliRunner.RunAsync("status", "-e", external, "--json");
        Assert.True(statusExit == 0, status);
        using (var json = System.Text.Json.JsonDocument.Parse(status))
        {
            Assert.Equal("external", json.RootElement.GetProperty("provider").GetString());
            var roles = json.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("role").GetString());
            Assert.Equal(["primary", "replica", "replica"], roles);
        }

        var (migrateExit, migrate) = await CliRunner.RunAsync("migrate", "-e", external);
        Assert.True(migrateExit == 0, migrate);
        Assert.Equal([1001, 1002, 1003, 1004], await VersionsAsync(database));
        Assert.Equal([1001, 1002, 1003, 1004], await VersionsAsync(database, "replica-2"));

        var (upExit, up) = await CliRunner.RunAsync("up", "-e", external);
        Assert.Equal(2, upExit);
        Assert.Contains("uses provider 'external'", up, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_servers_refuse_plain_connections_and_serve_tls_require()
    {
        var database = await NewDatabaseAsync();
        var plain = Topology.WriteExternalEnvironment(database, BuiltArtifacts.TestMigrations, "basic", tls: "disable");
        var encrypted = Topology.WriteExternalEnvironment(database, BuiltArtifacts.TestMigrations, "basic", tls: "require");

        var (statusExit, status) = await CliRunner.RunAsync("status", "-e", plain, "--json");
        var (migrateExit, migrate) = await CliRunner.RunAsync("migrate", "-e", plain);

        Assert.Equal(1, statusExit);
        using (var json = System.Text.Json.JsonDocument.Parse(status))
        {
            var nodes = json.RootElement.GetProperty("nodes").EnumerateArray().ToList();
            Assert.Equal(3, nodes.Count);
            Assert.All(nodes, n =>
            {
                Assert.False(n.GetProperty("reachable").GetBoolean());

                // PostgreSQL: pg_hba.conf's hostnossl line; MariaDB: the account's REQUIRE SSL.
                Assert.Matches("no encryption|instead of tls: disable", n.GetProperty("error").GetString()!);
            });
        }

        Assert.Equal(1, migrateExit);
        Assert.Contains("no reachable node", migrate, StringComparison.Ordinal);
        Assert.False(await TableExistsAsync(database, "VersionInfo"));

        var (encryptedExit, encryptedStatus) = await CliRunner.RunAsync("status", "-e", encrypted, "--json");
        Assert.True(encryptedExit == 0, encryptedStatus);

        // The CA that applications trust comes from 'tls ca', certificate only; an external environment has none of the tool's.
        var (caExit, ca) = await CliRunner.RunAsync("tls", "ca", "-e", Topology.File, "--state-dir", Topology.StateDir);
        Assert.True(caExit == 0, ca);
        Assert.Equal(File.ReadAllText(Topology.Credentials.TrustedCaFile!).Trim(), ca.Trim());
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", ca.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", ca, StringComparison.Ordinal);
        var (externalCaExit, externalCa) = await CliRunner.RunAsync("tls", "ca", "-e", encrypted);
        Assert.Equal(2, externalCaExit);
        Assert.Contains("uses provider 'external'", externalCa, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_external_environment_trusts_a_private_ca_with_tls_ca_and_refuses_a_certificate_for_another_host()
    {
        var database = await NewDatabaseAsync();
        var verified = Topology.WriteExternalEnvironment(database, BuiltArtifacts.TestMigrations, "basic", tls: "verify-full", tlsCa: Topology.Credentials.TrustedCaFile);
        var (statusExit, status) = await CliRunner.RunAsync("status", "-e", verified);
        Assert.True(statusExit == 0, status);

        // Without tls_ca, verify-full checks against the system's authorities, which never signed these certificates.
        var systemOnly = Topology.WriteExternalEnvironment(database, BuiltArtifacts.TestMigrations, "basic", tls: "verify-full");
        var (untrustedExit, untrusted) = await CliRunner.RunAsync("status", "-e", systemOnly, "--json");
        Assert.Equal(1, untrustedExit);
        Assert.Contains("no authority this system trusts issued it", untrusted, StringComparison.Ordinal);
        Assert.Contains("name its CA with tls_ca", untrusted, StringComparison.Ordinal);

        if (Topology.Provider != ProviderKind.Local)
        {
            // A container's certificate lives in its volume; the local run covers a misnamed one.
            return;
        }

        var reload = Topology.Engine == EngineKind.Postgres ? "SELECT pg_reload_conf()" : "FLUSH LOCAL SSL";
        await using var held = await Topology.ConnectAsync("primary", null);
        var restore = NodeCertificates.GiveWrongHostName(Topology, "primary");
        try
        {
            await held.ExecuteAsync(reload);
            var (misnamedExit, misnamed) = await CliRunner.RunAsync("status", "-e", verified, "--json");
            Assert.Equal(1, misnamedExit);
            using var json = System.Text.Json.JsonDocument.Parse(misnamed);
            var primary = json.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "primary");
            Assert.False(primary.GetProperty("reachable").GetBoolean());
            Assert.Contains("it names wrong.example, not '127.0.0.1'", primary.GetProperty("error").GetString()!, StringComparison.Ordinal);
        }
        finally
        {
            restore();
            await held.ExecuteAsync(reload);
        }
    }

    [Fact]
    public async Task An_external_environment_logs_in_with_the_admin_client_certificate_where_the_servers_require_one()
    {
        if (Topology.Engine == EngineKind.Postgres && Topology.Provider != ProviderKind.Local)
        {
            // PostgreSQL requires a certificate in pg_hba.conf, which is in the container's volume here; the local run edits it.
            return;
        }

        const string user = "certadmin";
        var database = await NewDatabaseAsync();
        var ca = Orchestrator.State.EnvironmentCa.In(Topology.State, Topology.Environment.FleetName);
        ca.NodeCertificate(user, [user]);
        var certificate = Path.Combine(Topology.State.TlsDir, $"{user}.crt");
        var key = Path.Combine(Topology.State.TlsDir, $"{user}.key");
        var hbaFiles = Topology.Engine == EngineKind.Postgres ? Topology.Environment.Nodes.Select(n => Path.Combine(Topology.State.DataDir(n), "pg_hba.conf")).ToList() : [];
        var hbaBefore = hbaFiles.ToDictionary(f => f, File.ReadAllText);
        await RequireCertificateAsync(user, hbaBefore);
        try
        {
            var withPassword = Topology.WriteExternalEnvironment(database, BuiltArtifacts.TestMigrations, "basic", tls: "verify-full", tlsCa: Topology.Credentials.TrustedCaFile);
            var lines = await File.ReadAllLinesAsync(withPassword);
            var withCertificate = Path.ChangeExtension(withPassword, ".certificate.yaml");
            await File.WriteAllLinesAsync(withCertificate, lines.Select(l => l.TrimStart().StartsWith("admin:", StringComparison.Ordinal)
                ? $"  admin: {{ user: {user}, certificate: \"${{file:{certificate}}}\", key: \"${{file:{key}}}\" }}"
                : l));
            var withoutCertificate = Path.ChangeExtension(withPassword, ".nocertificate.yaml");
            await File.WriteAllLinesAsync(withoutCertificate, lines.Select(l => l.TrimStart().StartsWith("admin:", StringComparison.Ordinal)
                ? l.Replace($"user: {Topology.Credentials.AdminUser}", $"user: {user}", StringComparison.Ordinal)
                : l));

            var (statusExit, status) = await CliRunner.RunAsync("status", "-e", withCertificate);
            var backupDirectory = Path.Combine(Topology.Directory, $"cert-backup-{Guid.NewGuid():N}");
            var (backupExit, backup) = await CliRunner.RunAsync("backup", "-e", withCertificate, "--out", backupDirectory);
            var (refusedExit, refused) = await CliRunner.RunAsync("status", "-e", withoutCertificate, "--json");

            Assert.True(statusExit == 0, status);
            // The dump programs present it too (libpq's PGSSLCERT, mariadb-dump --ssl-cert).
            Assert.True(backupExit == 0, backup);
            Assert.True(File.Exists(Path.Combine(backupDirectory, "manifest.json")), backup);
            Assert.Equal(1, refusedExit);
            using var json = System.Text.Json.JsonDocument.Parse(refused);
            Assert.All(json.RootElement.GetProperty("nodes").EnumerateArray(), n => Assert.False(n.GetProperty("reachable").GetBoolean(), refused));
            Assert.DoesNotContain("PRIVATE KEY", status + backup + refused, StringComparison.Ordinal);
        }
        finally
        {
            await using var session = await Topology.ConnectAsync("primary", null);
            if (Topology.Engine == EngineKind.Postgres)
            {
                await session.ExecuteAsync($"DROP ROLE {user}");
            }
            else
            {
                foreach (var host in await AdminHostsAsync(session))
                {
                    await session.ExecuteAsync($"DROP USER '{user}'@?", [host]);
                }
            }
            foreach (var (file, text) in hbaBefore)
            {
                await File.WriteAllTextAsync(file, text);
            }

            await ReloadAllAsync();
        }
    }

    /// <summary>An account that logs in with a certificate from the environment's CA and nothing else (PostgreSQL 'cert'; MariaDB REQUIRE X509, no password).</summary>
    private async Task RequireCertificateAsync(string user, IReadOnlyDictionary<string, string> hbaFiles)
    {
        await using (var session = await Topology.ConnectAsync("primary", null))
        {
            if (Topology.Engine == EngineKind.Postgres)
            {
                await session.ExecuteAsync($"CREATE ROLE {user} LOGIN SUPERUSER");
            }
            else
            {
                // From where the tool's own admin may connect (a wildcard host would admit every address, which another test proves refused).
                foreach (var host in await AdminHostsAsync(session))
                {
                    await session.ExecuteAsync($"CREATE USER '{user}'@? REQUIRE X509", [host]);
                    await session.ExecuteAsync($"GRANT SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, EVENT, RELOAD, PROCESS, SHOW DATABASES, BINLOG MONITOR, SLAVE MONITOR ON *.* TO '{user}'@?", [host]);
                }
            }
        }

        foreach (var (file, text) in hbaFiles)
        {
            await File.WriteAllTextAsync(file, $"hostssl all {user} 127.0.0.1/32 cert\n" + text);
        }

        await ReloadAllAsync();

        // The account reaches the replicas through replication: wait until each has it; on MariaDB
        // until each applied the primary's position after the grants (they replay one after another).
        if (Topology.Engine == EngineKind.Postgres)
        {
            foreach (var node in Topology.Environment.Nodes)
            {
                await using var session = await Topology.ConnectAsync(node.Name, null);
                await TestTopology.EventuallyAsync(async () => (await session.QueryAsync("SELECT count(*) AS n FROM pg_roles WHERE rolname = $1", [user])).Single().GetInt64("n") > 0, $"{node.Name} has the account {user}");
            }

            return;
        }

        string position;
        await using (var primary = await Topology.ConnectAsync("primary", null))
        {
            position = (await primary.QueryAsync("SELECT @@gtid_binlog_pos AS pos")).Single().GetString("pos")!;
        }

        foreach (var node in Topology.Environment.Nodes.Where(n => n.Name != "primary"))
        {
            await using var session = await Topology.ConnectAsync(node.Name, null);
            Assert.Equal(0, (await session.QueryAsync("SELECT MASTER_GTID_WAIT(?, 60) AS w", [position])).Single().GetInt64("w"));
        }
    }

    private async Task<IReadOnlyList<string>> AdminHostsAsync(Orchestrator.Data.IDbSession session) =>
        (await session.QueryAsync("SELECT Host AS host FROM mysql.user WHERE User = ?", [Topology.Credentials.AdminUser])).Select(r => r.GetString("host")!).ToList();

    private async Task ReloadAllAsync()
    {
        if (Topology.Engine != EngineKind.Postgres)
        {
            return;
        }

        foreach (var node in Topology.Environment.Nodes)
        {
            await using var session = await Topology.ConnectAsync(node.Name, null);
            await session.ExecuteAsync("SELECT pg_reload_conf()");
        }
    }

    [Fact]
    public async Task Plan_shows_the_online_form_warns_about_what_runs_as_written_and_strict_migrate_refuses_that()
    {
        var (env, database) = await EnvironmentAsync("basic");
        Assert.Equal(0, (await Cli("migrate", env, "--to", "1001")).ExitCode);
        var offline = Path.ChangeExtension(env, ".offline.yaml");
        await File.WriteAllLinesAsync(offline, (await File.ReadAllLinesAsync(env)).SelectMany(l => l.StartsWith("  tags:", StringComparison.Ordinal) ? [l, "  offline: [1004]"] : new[] { l }));

        var (planExit, plan) = await Cli("plan", env);
        var (offlinePlanExit, offlinePlan) = await Cli("plan", offline);
        var (strictExit, strict) = await Cli("migrate", offline, "--strict");

        Assert.Equal(0, planExit);
        Assert.Equal(0, offlinePlanExit);
        if (Dialect.TransactionalDdl)
        {
            Assert.True(plan.Contains("online: index \"ix_widgets_name\" on existing table \"widgets\": built CONCURRENTLY after the transaction", StringComparison.Ordinal), plan);
            Assert.DoesNotContain("warning", plan, StringComparison.Ordinal);
            Assert.Contains("warning: 1004 IndexWidgetNames: CREATE INDEX \"ix_widgets_name\" on existing table \"widgets\" blocks writes", offlinePlan, StringComparison.Ordinal);
            Assert.DoesNotContain("online:", offlinePlan, StringComparison.Ordinal);
            Assert.Equal(2, strictExit);
            Assert.Contains("--strict refuses what the plan warns about (statements risky on a replicated primary", strict, StringComparison.Ordinal);
            Assert.Equal([1001], await VersionsAsync(database));

            var (onlineExit, online) = await Cli("migrate", env, "--strict");
            Assert.True(onlineExit == 0, online);
            Assert.Contains("CREATE INDEX CONCURRENTLY \"ix_widgets_name\"", online, StringComparison.Ordinal);
        }
        else
        {
            // InnoDB builds a secondary index online (INPLACE, LOCK=NONE): nothing to warn about.
            Assert.DoesNotContain("warning", plan, StringComparison.Ordinal);
            Assert.True(strictExit == 0, strict);
        }
    }

    /// <summary>Pauses (or resumes) a replica's replay of what it receives.</summary>
    private async Task HoldReplayAsync(string replica, bool hold)
    {
        await using var session = await Topology.ConnectAsync(replica, null);
        await session.ExecuteAsync(Topology.Engine == EngineKind.Postgres
            ? (hold ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()")
            : (hold ? "STOP SLAVE SQL_THREAD" : "START SLAVE SQL_THREAD"));
    }
}
