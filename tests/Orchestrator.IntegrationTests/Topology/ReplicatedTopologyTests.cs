using System.Text.Json;
using Orchestrator.Cli;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Servers;
using Orchestrator.Topology;

namespace Orchestrator.IntegrationTests.Topology;

/// <summary>
/// The scenarios every engine must pass on a running primary, replica and cascading replica.
/// Each engine's subclass supplies its dialect; tests share the topology but not tables.
/// </summary>
public abstract class ReplicatedTopologyTests(TopologyFixture fixture)
{
    private protected TestTopology Topology => fixture.Topology;

    /// <summary>The engine's placeholder for the n-th (1-based) parameter.</summary>
    protected abstract string P(int n);

    /// <summary>The error code a read-only replica answers a write with.</summary>
    protected abstract string ReadOnlyErrorCode { get; }

    [Fact]
    public Task Tls_rotate_under_writes_presents_new_certificates_reconnects_the_replicas_and_restarts_nothing() => RotateUnderWritesAsync(newCa: false);

    [Fact]
    public Task Tls_rotate_ca_staged_then_finished_under_writes_moves_every_node_to_a_new_ca_that_alone_is_trusted_at_the_end() => RotateUnderWritesAsync(newCa: true);

    private async Task RotateUnderWritesAsync(bool newCa)
    {
        var credentials = Topology.Credentials;
        var nodes = Topology.Environment.Nodes;
        await using var writer = await BackgroundWriter.StartAsync(Topology, newCa ? "writes_new_ca" : "writes_new_certificates");
        await writer.WaitForMoreAsync(50, "primary");
        var serials = new Dictionary<string, string>();
        var started = new Dictionary<string, (string Marker, long Uptime)>();
        foreach (var node in nodes)
        {
            serials[node.Name] = await PresentedCertificate.SerialAsync(Topology.Engine, node, credentials.AdminUser, credentials.AdminPassword.Reveal());
            started[node.Name] = await StartedAsync(node.Name);
        }

        var streamsBefore = await ReplicationStreamsAsync();
        var oldCa = await TlsCaAsync("old");
        if (newCa)
        {
            var (staged, stagedOutput) = await CliRunner.RunAsync("tls", "rotate", "-e", Topology.File, "--state-dir", Topology.StateDir, "--ca", "--stage");
            Assert.True(staged == 0, stagedOutput);
            // Staged: both CAs are trusted, every node still presents its old certificate, and an application given the pair reaches each.
            var pair = await TlsCaAsync("pair");
            Assert.Equal(2, CertificateCount(pair));
            foreach (var node in nodes)
            {
                Assert.Equal(serials[node.Name], await PresentedCertificate.SerialAsync(Topology.Engine, node, credentials.AdminUser, credentials.AdminPassword.Reveal()));
                await PresentedCertificate.ConnectVerifiedAsync(Topology.Engine, node, credentials.AdminUser, credentials.AdminPassword.Reveal(), pair);
            }

            await writer.WaitForMoreAsync(20, "primary");
        }

        var (exit, output) = await CliRunner.RunAsync(newCa ? ["tls", "rotate", "-e", Topology.File, "--state-dir", Topology.StateDir, "--ca"] : ["tls", "rotate", "-e", Topology.File, "--state-dir", Topology.StateDir]);
        Assert.True(exit == 0, output);
        var caAfter = await TlsCaAsync("after");
        Assert.Equal(1, CertificateCount(caAfter));
        Assert.Equal(newCa, File.ReadAllText(caAfter) != File.ReadAllText(oldCa));

        foreach (var node in nodes)
        {
            var serial = await PresentedCertificate.SerialAsync(Topology.Engine, node, credentials.AdminUser, credentials.AdminPassword.Reveal());
            Assert.NotEqual(serials[node.Name], serial);
            Assert.Contains(serial, output, StringComparison.Ordinal);
            await PresentedCertificate.ConnectVerifiedAsync(Topology.Engine, node, credentials.AdminUser, credentials.AdminPassword.Reveal(), caAfter);
            if (newCa)
            {
                // The old CA is trusted by nobody now, and verifies no node.
                await Assert.ThrowsAnyAsync<Exception>(() => PresentedCertificate.ConnectVerifiedAsync(Topology.Engine, node, credentials.AdminUser, credentials.AdminPassword.Reveal(), oldCa));
            }

            // No server restarted: the same start time (PostgreSQL), an uptime that only grew (MariaDB).
            var now = await StartedAsync(node.Name);
            Assert.Equal(started[node.Name].Marker, now.Marker);
            Assert.True(now.Uptime >= started[node.Name].Uptime, $"{node.Name} restarted");
        }

        // Every replication connection was made again, so it met the new certificate.
        var streamsAfter = await ReplicationStreamsAsync();
        Assert.Equal(streamsBefore.Count, streamsAfter.Count);
        Assert.Empty(streamsBefore.Intersect(streamsAfter));

        await writer.WaitForMoreAsync(50, "primary");
        await writer.StopAsync();
        foreach (var node in nodes)
        {
            await TestTopology.EventuallyAsync(async () => (await writer.MissingOnAsync(node.Name)).Count == 0, $"{node.Name} has every acknowledged write");
        }
    }

    /// <summary>What <c>tls ca</c> prints now, in a file of its own.</summary>
    private async Task<string> TlsCaAsync(string label)
    {
        var (exit, pem) = await CliRunner.RunAsync("tls", "ca", "-e", Topology.File, "--state-dir", Topology.StateDir);
        Assert.True(exit == 0, pem);
        var file = Path.Combine(Topology.Directory, $"ca-{label}-{Guid.NewGuid():N}.crt");
        await File.WriteAllTextAsync(file, pem);
        return file;
    }

    private static int CertificateCount(string pemFile)
    {
        var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        certificates.ImportFromPemFile(pemFile);
        return certificates.Count;
    }

    /// <summary>A marker of the server's start (PostgreSQL: pg_postmaster_start_time) and its uptime in seconds (MariaDB: Uptime).</summary>
    private async Task<(string Marker, long Uptime)> StartedAsync(string node)
    {
        await using var session = await Topology.ConnectAsync(node, null);
        if (Topology.Engine == EngineKind.Postgres)
        {
            var row = (await session.QueryAsync("SELECT pg_postmaster_start_time()::text AS started")).Single();
            return (row.GetString("started")!, 0);
        }

        var uptime = (await session.QueryAsync("SELECT VARIABLE_VALUE AS v FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME'")).Single();
        return ("", long.Parse(uptime.GetString("v")!, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Each source's replication connections, by the server's own id for them (a walsender's pid, a binlog dump thread's id).</summary>
    private async Task<List<string>> ReplicationStreamsAsync()
    {
        var streams = new List<string>();
        foreach (var source in new[] { "primary", "replica-1" })
        {
            await using var session = await Topology.ConnectAsync(source, null);
            var rows = await session.QueryAsync(Topology.Engine == EngineKind.Postgres
                ? "SELECT pid::text AS id FROM pg_stat_replication"
                : "SELECT CAST(ID AS CHAR) AS id FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'");
            streams.AddRange(rows.Select(r => $"{source}:{r.GetString("id")}"));
        }

        Assert.Equal(2, streams.Count);
        return streams;
    }

    [Fact]
    public async Task Rows_written_on_the_primary_are_read_on_both_replicas()
    {
        var table = UniqueTable("rows");
        await using (var primary = await Topology.ConnectAsync("primary"))
        {
            await primary.ExecuteAsync($"CREATE TABLE {table} (id int PRIMARY KEY, note varchar(100))");
            for (var i = 1; i <= 3; i++)
            {
                await primary.ExecuteAsync($"INSERT INTO {table} VALUES ({P(1)}, {P(2)})", [i, $"row {i} ünïcødé ✓"]);
            }
        }

        foreach (var replica in new[] { "replica-1", "replica-2" })
        {
            await TestTopology.EventuallyAsync(async () => await CountAsync(replica, table) == 3, $"{replica} has the 3 rows");
            await using var session = await Topology.ConnectAsync(replica);
            var notes = (await session.QueryAsync($"SELECT note FROM {table} ORDER BY id")).Select(r => r.GetString("note"));
            Assert.Equal(["row 1 ünïcødé ✓", "row 2 ünïcødé ✓", "row 3 ünïcødé ✓"], notes);
        }
    }

    [Fact]
    public async Task Replicas_reject_writes()
    {
        var table = UniqueTable("ro");
        await using (var primary = await Topology.ConnectAsync("primary"))
        {
            await primary.ExecuteAsync($"CREATE TABLE {table} (id int PRIMARY KEY)");
        }

        foreach (var replica in new[] { "replica-1", "replica-2" })
        {
            await TestTopology.EventuallyAsync(async () => await CountAsync(replica, table) == 0, $"{replica} has the table");
            await using var session = await Topology.ConnectAsync(replica);
            var error = await Assert.ThrowsAsync<DatabaseException>(() => session.ExecuteAsync($"INSERT INTO {table} VALUES (1)"));
            Assert.Equal(ReadOnlyErrorCode, error.Code);
        }

        Assert.Equal(0, await CountAsync("replica-1", table));
    }

    [Fact]
    public async Task Status_reports_the_true_roles_and_zero_lag_after_catch_up()
    {
        var table = UniqueTable("lag");
        await using (var primary = await Topology.ConnectAsync("primary"))
        {
            await primary.ExecuteAsync($"CREATE TABLE {table} (id int PRIMARY KEY)");
            await primary.ExecuteAsync($"INSERT INTO {table} VALUES (1)");
        }

        EnvironmentStatus? status = null;
        await TestTopology.EventuallyAsync(
            async () =>
            {
                status = await Topology.StatusAsync();
                var replicas = status.Nodes.Where(n => n.Role == ObservedRole.Replica).ToList();
                return replicas.Count == 2 && replicas.All(IsCaughtUp);
            },
            "every replica reports zero lag");

        Assert.All(status!.Nodes, n => Assert.True(n.Reachable, n.Error));
        Assert.All(status.Nodes.Where(n => n.Role == ObservedRole.Replica), n => Assert.True(IsCaughtUp(n), $"{n.Name}: lag {n.LagBytes} bytes, {n.LagTransactions} transactions, {n.LagSeconds} s"));
        Assert.Equal(ObservedRole.Primary, status.Node("primary").Role);
        Assert.Equal(ObservedRole.Replica, status.Node("replica-1").Role);
        Assert.Equal(ObservedRole.Replica, status.Node("replica-2").Role);
        Assert.Null(status.Node("primary").ReplicatingFrom);
        Assert.Equal("primary", status.Node("replica-1").ReplicatingFrom);
        Assert.Equal("replica-1", status.Node("replica-2").ReplicatingFrom);
        Assert.All(status.Nodes, n => Assert.False(string.IsNullOrEmpty(n.ServerVersion)));

        var (exitCode, output) = await CliRunner.RunAsync("status", "-e", Topology.File, "--state-dir", Topology.StateDir, "--json");
        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        var roles = json.RootElement.GetProperty("nodes").EnumerateArray()
            .ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("role").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["primary"] = "primary", ["replica-1"] = "replica", ["replica-2"] = "replica" }, roles);
    }

    [Fact]
    public async Task Up_on_a_running_environment_changes_nothing_and_says_so()
    {
        var outcome = await Topology.UpAsync();
        Assert.True(outcome.ChangedNothing);
        Assert.All(outcome.Nodes, n => Assert.Equal(NodeUpAction.AlreadyRunning, n.Action));

        var (exitCode, output) = await CliRunner.RunAsync("up", "-e", Topology.File, "--state-dir", Topology.StateDir);
        Assert.Equal(0, exitCode);
        Assert.Contains("already up: all 3 nodes are running; nothing changed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_of_an_environment_whose_nodes_are_elsewhere_refuse_this_state_directory_and_name_both()
    {
        // The same node names, on other ports: another environment's servers.
        var text = await File.ReadAllTextAsync(Topology.File);
        foreach (var node in Topology.Environment.Nodes)
        {
            text = text.Replace($"port: {node.Port}", $"port: {node.Port + 7}", StringComparison.Ordinal);
        }

        var other = Path.Combine(Topology.Directory, "someone-else.yaml");
        await File.WriteAllTextAsync(other, text.Replace($"name: {Topology.Environment.Name}", "name: someone-else", StringComparison.Ordinal));
        var ownName = Topology.Environment.Name;

        foreach (var command in new[] { new[] { "up" }, ["status"], ["switchover", "--to", "replica-1"], ["down"] })
        {
            var (exitCode, output) = await CliRunner.RunAsync([.. command, "-e", other, "--state-dir", Topology.StateDir]);
            Assert.True(exitCode == 2, $"{command[0]}: exit {exitCode}\n{output}");
            Assert.Contains($"belongs to environment '{ownName}'", output, StringComparison.Ordinal);
            Assert.Contains("not to 'someone-else'", output, StringComparison.Ordinal);
            Assert.Contains($"its node 'primary' is {Topology.Environment.Primary.Endpoint}", output, StringComparison.Ordinal);
        }

        var status = await Topology.StatusAsync();
        Assert.All(status.Nodes, n => Assert.True(n.Reachable, $"{n.Name} was touched: {n.Error}"));
        Assert.Equal(ObservedRole.Primary, status.Node("primary").Role);

        // Another file for the same servers (another database on them) shares the directory.
        var sameServers = Topology.WriteMigrationEnvironment("shared_servers", "assembly", "unused.dll");
        var (sharedExit, sharedOutput) = await CliRunner.RunAsync("up", "-e", sameServers, "--state-dir", Topology.StateDir);
        Assert.True(sharedExit == 0, sharedOutput);
    }

    [Fact]
    public async Task Stats_reports_sizes_exact_rows_long_transactions_and_an_index_only_a_replica_uses()
    {
        var table = UniqueTable("stats");
        var index = $"{table}_code";
        var postgres = Topology.Engine == EngineKind.Postgres;
        await using (var primary = await Topology.ConnectAsync("primary"))
        {
            await primary.ExecuteAsync($"CREATE TABLE {table} (id int PRIMARY KEY, code int NOT NULL, note varchar(100))");
            await primary.ExecuteAsync($"CREATE INDEX {index} ON {table} (code)");
            await primary.ExecuteAsync(postgres
                ? $"INSERT INTO {table} SELECT g, g, 'note ' || g FROM generate_series(1, 500) AS g"
                : $"INSERT INTO {table} WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 500) SELECT n, n, CONCAT('note ', n) FROM s");
        }

        // Waiting through the primary key: reading the index on code would count as using it.
        foreach (var replica in new[] { "replica-1", "replica-2" })
        {
            await TestTopology.EventuallyAsync(
                async () =>
                {
                    await using var session = await Topology.ConnectAsync(replica);
                    return (await session.QueryAsync($"SELECT MAX(id) AS m FROM {table}")).Single().GetInt64("m") == 500;
                },
                $"{replica} has the 500 rows");
        }

        // A transaction left open on the primary.
        await using var idle = await Topology.ConnectAsync("primary");
        await idle.ExecuteAsync(postgres ? "BEGIN" : "START TRANSACTION");
        await idle.QueryAsync($"SELECT id FROM {table} WHERE id = 1 FOR UPDATE");
        await Task.Delay(2000);

        var stats = await StatsJsonAsync("--table", table, "--exact", "--long-after", "1s");
        foreach (var node in stats.GetProperty("nodes").EnumerateArray())
        {
            var name = node.GetProperty("node").GetString();
            Assert.True(node.GetProperty("reachable").GetBoolean(), $"{name}: {node.GetProperty("error")}");
            var row = node.GetProperty("tables").EnumerateArray().Single();
            Assert.Equal(table, row.GetProperty("table").GetString());
            Assert.Equal(500, row.GetProperty("rowsExact").GetInt64());
            Assert.True(row.GetProperty("totalBytes").GetInt64() >= row.GetProperty("tableBytes").GetInt64() + row.GetProperty("indexBytes").GetInt64() - 1, name);
            Assert.True(row.GetProperty("tableBytes").GetInt64() > 0, name);
            Assert.True(row.GetProperty("indexBytes").GetInt64() > 0, name);
            var ix = node.GetProperty("indexes").EnumerateArray().Single(i => i.GetProperty("index").GetString() == index);
            Assert.Equal(0, ix.GetProperty("scans").GetInt64());
            Assert.False(ix.GetProperty("enforcesConstraint").GetBoolean());
        }

        var primaryStats = stats.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("node").GetString() == "primary");
        Assert.NotEmpty(primaryStats.GetProperty("longTransactions").EnumerateArray());
        if (postgres)
        {
            var slot = primaryStats.GetProperty("replicationSlots").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "replica_1");
            Assert.True(slot.GetProperty("active").GetBoolean());
            Assert.True(slot.GetProperty("retainedWalBytes").GetInt64() >= 0);
        }
        else
        {
            Assert.True(primaryStats.GetProperty("binlogBytes").GetInt64() > 0);
        }

        Assert.Contains(stats.GetProperty("unusedIndexes").EnumerateArray(), u => u.GetProperty("index").GetString() == index);
        await idle.ExecuteAsync("ROLLBACK");

        // Reads on a replica use the index: it is no longer unused, although the primary never used it.
        await using (var replica = await Topology.ConnectAsync("replica-2"))
        {
            if (postgres)
            {
                await replica.ExecuteAsync("SET enable_seqscan = off");
            }

            await replica.QueryAsync(postgres ? $"SELECT note FROM {table} WHERE code = 42" : $"SELECT note FROM {table} FORCE INDEX ({index}) WHERE code = 42");
        }

        await TestTopology.EventuallyAsync(
            async () => !(await StatsJsonAsync("--table", table)).GetProperty("unusedIndexes").EnumerateArray().Any(u => u.GetProperty("index").GetString() == index),
            "the index counts as used once replica-2 used it");
    }

    [Fact]
    public async Task Status_watch_shows_a_migrations_new_version_without_being_restarted()
    {
        var database = UniqueTable("watch");
        await using (var primary = await Topology.ConnectAsync("primary", null))
        {
            await primary.ExecuteAsync($"CREATE DATABASE {database}");
        }

        var env = Topology.WriteMigrationEnvironment(database, "assembly", BuiltArtifacts.TestMigrations, "basic");
        var output = new StringWriter();
        var writer = TextWriter.Synchronized(output);
        using var stop = new CancellationTokenSource();
        var watch = Task.Run(() => CliApp.RunAsync(["status", "-e", env, "--state-dir", Topology.StateDir, "--watch", "--interval", "300ms"], PlainConsole.Create(writer), stop.Token));
        string Seen()
        {
            lock (writer)
            {
                return output.ToString();
            }
        }

        await TestTopology.EventuallyAsync(() => Task.FromResult(Seen().Contains(" primary primary schema=- pending=4", StringComparison.Ordinal)), "the watch shows 4 pending migrations");
        var (exit, migrate) = await CliRunner.RunAsync("migrate", "-e", env, "--state-dir", Topology.StateDir);
        Assert.True(exit == 0, migrate);
        foreach (var node in new[] { " primary primary", " replica-1 replica", " replica-2 replica" })
        {
            await TestTopology.EventuallyAsync(
                () => Task.FromResult(Seen().Split('\n').Any(l => l.Contains(node, StringComparison.Ordinal) && l.Contains("schema=1004 pending=0", StringComparison.Ordinal))),
                $"the watch shows{node} at 1004");
        }

        await stop.CancelAsync();
        Assert.Equal(0, await watch);
    }

    private async Task<JsonElement> StatsJsonAsync(params string[] options)
    {
        var (exit, output) = await CliRunner.RunAsync(["stats", "-e", Topology.File, "--state-dir", Topology.StateDir, "--json", .. options]);
        Assert.True(exit == 0, output);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    [Fact]
    public async Task No_password_appears_in_logs_status_json_or_error_messages()
    {
        var credentials = Topology.Credentials;
        var secrets = new[] { credentials.AdminPassword.Reveal(), credentials.RequiredReplicationPassword().Reveal() };
        var texts = new List<string>();
        texts.Add((await CliRunner.RunAsync("status", "-e", Topology.File, "--state-dir", Topology.StateDir)).Output);
        texts.Add((await CliRunner.RunAsync("status", "-e", Topology.File, "--state-dir", Topology.StateDir, "--json")).Output);
        texts.Add((await CliRunner.RunAsync("up", "-e", Topology.File, "--state-dir", Topology.StateDir)).Output);

        // A failing connection, and a failing statement, with the real password.
        var missingDatabase = await Assert.ThrowsAsync<DatabaseException>(() => Topology.ConnectAsync("primary", "no_such_database"));
        texts.Add(missingDatabase.ToString());
        await using (var session = await Topology.ConnectAsync("primary"))
        {
            var badStatement = await Assert.ThrowsAsync<DatabaseException>(() => session.ExecuteAsync($"SELECT {P(1)} FROM no_such_table", [secrets[0]]));
            texts.Add(badStatement.ToString());
        }

        texts.Add(Topology.Environment.ToString());
        texts.Add(credentials.ToString());
        foreach (var node in Topology.Environment.Nodes)
        {
            var log = await Topology.ServerLogAsync(node.Name);
            Assert.False(string.IsNullOrWhiteSpace(log), $"{node.Name}'s server log was read");
            texts.Add(log);
        }

        Assert.All(texts, text => Assert.All(secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_session_binds_values_keeps_server_error_codes_and_cancellation_stops_a_running_statement()
    {
        var table = UniqueTable("session");
        await using var session = await Topology.ConnectAsync("primary");
        Assert.StartsWith(Topology.Engine == EngineKind.Postgres ? "15." : "10.11.", session.ServerVersion, StringComparison.Ordinal);
        await session.ExecuteAsync($"CREATE TABLE {table} (id int PRIMARY KEY, note varchar(100))");
        const string Hostile = "it's'); DROP TABLE x; -- 🚀 ? $1 @p";
        await session.ExecuteAsync($"INSERT INTO {table} (id, note) VALUES ({P(1)}, {P(2)})", [1, Hostile]);
        Assert.Equal(Hostile, (await session.QueryAsync($"SELECT note FROM {table} WHERE id = {P(1)}", [1])).Single().GetString("note"));

        var error = await Assert.ThrowsAsync<DatabaseException>(() => session.QueryAsync("SELECT * FROM no_such_table_here"));
        Assert.Equal(Topology.Engine == EngineKind.Postgres ? "42P01" : "1146", error.Code);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var sleep = Topology.Engine == EngineKind.Postgres ? "SELECT pg_sleep(30)" : "SELECT SLEEP(30)";
        await Assert.ThrowsAnyAsync<Exception>(() => session.QueryAsync(sleep, cancellationToken: cancel.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the statement ran on for {clock.Elapsed}");
        Assert.Equal(1, (await session.QueryAsync($"SELECT COUNT(*) AS n FROM {table}")).Single().GetInt64("n"));
    }

    protected static string UniqueTable(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..24];

    protected async Task<long> CountAsync(string node, string table)
    {
        await using var session = await Topology.ConnectAsync(node);
        return (await session.QueryAsync($"SELECT COUNT(*) AS n FROM {table}")).Single().GetInt64("n")!.Value;
    }

    /// <summary>Zero on every measure the engine reports: bytes of WAL on PostgreSQL, transactions and seconds on MariaDB; a missing figure is not zero.</summary>
    private bool IsCaughtUp(NodeStatus node) =>
        node.Reachable && (Topology.Engine == EngineKind.Postgres
            ? node.LagBytes == 0
            : node.LagTransactions == 0 && node.LagSeconds == 0);
}
