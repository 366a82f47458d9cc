using Orchestrator.Data;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Topology;

[Collection(PostgresCollection.Name)]
public sealed class PostgresTopologyTests(PostgresTopologyFixture fixture) : ReplicatedTopologyTests(fixture)
{
    protected override string ReadOnlyErrorCode => "25006";

    protected override string P(int n) => $"${n}";

    [Fact]
    public async Task A_client_outside_access_allow_is_refused()
    {
        var error = await ForeignClient.PostgresStartupErrorAsync(Topology.Environment.Primary.Port, Topology.Credentials.AdminUser, "app", encrypted: true);

        Assert.NotNull(error);
        Assert.Contains("no pg_hba.conf entry for host \"127.0.0.2\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_connection_is_refused_by_pg_hba_and_the_replication_connections_are_encrypted()
    {
        var primary = Topology.Environment.Primary;
        var plain = Topology.EngineImpl.AdminTarget(primary, Topology.Credentials, "app") with { Tls = Orchestrator.Environments.TlsMode.Disable };
        var refused = await Assert.ThrowsAsync<DatabaseException>(() => Topology.EngineImpl.ConnectAsync(plain, CancellationToken.None));
        Assert.Contains("no encryption", refused.Message, StringComparison.Ordinal);

        // Every walsender (the primary's to replica-1, replica-1's to the cascading replica-2) runs over TLS.
        foreach (var (node, replica) in new[] { ("primary", "replica-1"), ("replica-1", "replica-2") })
        {
            await using var session = await Topology.ConnectAsync(node);
            var rows = await session.QueryAsync(
                "SELECT r.application_name, s.ssl, s.version FROM pg_stat_replication r JOIN pg_stat_ssl s ON s.pid = r.pid");
            var row = Assert.Single(rows);
            Assert.Equal(replica, row.GetString("application_name"));
            Assert.True(row.GetBoolean("ssl"), $"{replica}'s walsender on {node} is not encrypted");
            Assert.StartsWith("TLSv1.", row.GetString("version"), StringComparison.Ordinal);
        }

        // status reads the end of each server's certificate as the server has it (issued for 397 days).
        var nodes = (await Topology.StatusAsync()).Nodes;
        Assert.Equal(3, nodes.Count);
        Assert.All(nodes, n => Assert.InRange(n.CertificateNotAfter!.Value, DateTimeOffset.UtcNow.AddDays(390), DateTimeOffset.UtcNow.AddDays(398)));
        Assert.DoesNotContain(nodes, n => n.CertificateExpiring);

        // ...and each replica checks its source's certificate against the environment CA.
        await using var replicaSession = await Topology.ConnectAsync("replica-2");
        var conninfo = (await replicaSession.QueryAsync("SELECT current_setting('primary_conninfo') AS c")).Single().GetString("c")!;
        Assert.Contains("sslmode='verify-full'", conninfo, StringComparison.Ordinal);
        Assert.Contains("sslrootcert=", conninfo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_from_a_foreign_ca_or_for_another_host_is_refused_by_the_tools_sessions_and_the_walreceiver()
    {
        var primary = Topology.Environment.Primary;
        var foreign = Topology.EngineImpl.AdminTarget(primary, Topology.Credentials, "postgres") with { TrustedCaFile = NodeCertificates.ForeignCaFile(Topology.Directory) };
        var untrusted = await Assert.ThrowsAsync<DatabaseException>(() => Topology.EngineImpl.ConnectAsync(foreign, CancellationToken.None));
        Assert.Contains("certificate", untrusted.Message, StringComparison.OrdinalIgnoreCase);

        await using var held = await Topology.ConnectAsync("primary");
        var restore = NodeCertificates.GiveWrongHostName(Topology, "primary");
        try
        {
            await held.ExecuteAsync("SELECT pg_reload_conf()");
            var misnamed = await Assert.ThrowsAsync<DatabaseException>(() => Topology.ConnectAsync("primary"));
            Assert.Contains("certificate", misnamed.Message, StringComparison.OrdinalIgnoreCase);

            // The walreceiver's next connection meets the new certificate, and refuses it.
            await held.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_replication WHERE application_name = 'replica-1'");
            var log = Path.Combine(Topology.State.NodeDir(Topology.Environment.Node("replica-1")), "server.log");
            await TestTopology.EventuallyAsync(
                () => Task.FromResult(File.ReadAllText(log).Contains("does not match host name", StringComparison.Ordinal)),
                "replica-1's walreceiver refuses the primary's misnamed certificate");
            var streaming = await held.QueryAsync("SELECT count(*) AS n FROM pg_stat_replication WHERE application_name = 'replica-1'");
            Assert.Equal(0, streaming.Single().GetInt64("n"));
        }
        finally
        {
            restore();
            await held.ExecuteAsync("SELECT pg_reload_conf()");
        }

        await TestTopology.EventuallyAsync(
            async () => (await held.QueryAsync("SELECT count(*) AS n FROM pg_stat_replication WHERE application_name = 'replica-1' AND state = 'streaming'")).Single().GetInt64("n") == 1,
            "replica-1 streams again once the primary has its right certificate");
    }

    [Fact]
    public async Task The_replication_account_can_only_replicate()
    {
        var credentials = Topology.Credentials;
        var primary = Topology.Environment.Primary;
        var asReplicator = new ConnectionTarget(primary.Host, primary.Port, credentials.ReplicationUser, credentials.ReplicationPassword, "app");

        var refused = await Assert.ThrowsAsync<DatabaseException>(() => Topology.EngineImpl.ConnectAsync(asReplicator, CancellationToken.None));
        Assert.Equal("28000", refused.Code);

        await using var admin = await Topology.ConnectAsync("primary");
        var role = (await admin.QueryAsync(
            "SELECT rolsuper, rolreplication, rolcreatedb, rolcreaterole, rolinherit, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname = $1",
            [credentials.ReplicationUser])).Single();
        Assert.Equal([false, true, false, false, false, true], new[] { "rolsuper", "rolreplication", "rolcreatedb", "rolcreaterole", "rolinherit", "scram" }.Select(c => role.GetBoolean(c)));
    }

    [Fact]
    public async Task Each_replica_streams_through_its_own_slot_with_its_name_as_application_name()
    {
        await using var primary = await Topology.ConnectAsync("primary");
        var onPrimary = await primary.QueryAsync("SELECT application_name, state, sync_state FROM pg_stat_replication");
        Assert.Equal([("replica-1", "streaming", "quorum")], onPrimary.Select(r => (r.GetString("application_name"), r.GetString("state"), r.GetString("sync_state"))));
        var syncNames = await primary.QueryAsync("SELECT current_setting('synchronous_standby_names') AS names");
        Assert.Equal("ANY 1 (\"replica-1\")", syncNames.Single().GetString("names"));
        var slots = await primary.QueryAsync("SELECT slot_name, active FROM pg_replication_slots");
        Assert.Equal([("replica_1", true)], slots.Select(r => (r.GetString("slot_name"), r.GetBoolean("active") == true)));

        await using var replica1 = await Topology.ConnectAsync("replica-1");
        var cascading = await replica1.QueryAsync("SELECT application_name FROM pg_stat_replication");
        Assert.Equal(["replica-2"], cascading.Select(r => r.GetString("application_name")));
        var settings = await primary.QueryAsync("SELECT name, setting FROM pg_settings WHERE name IN ('wal_level', 'wal_log_hints', 'hot_standby', 'max_slot_wal_keep_size', 'password_encryption') ORDER BY name");
        Assert.Equal(
            ["hot_standby=on", "max_slot_wal_keep_size=1024", "password_encryption=scram-sha-256", "wal_level=replica", "wal_log_hints=on"],
            settings.Select(r => $"{r.GetString("name")}={r.GetString("setting")}"));
    }
}

[Collection(PostgresOnDockerCollection.Name)]
public sealed class PostgresOnDockerTopologyTests(PostgresOnDockerFixture fixture) : ReplicatedTopologyTests(fixture)
{
    protected override string ReadOnlyErrorCode => "25006";

    protected override string P(int n) => $"${n}";
}
