using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Topology;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbTopologyTests(MariaDbTopologyFixture fixture) : ReplicatedTopologyTests(fixture)
{
    protected override string ReadOnlyErrorCode => "1290";

    protected override string P(int n) => "?";

    [Fact]
    public async Task A_client_outside_access_allow_is_refused()
    {
        var error = await ForeignClient.MariaDbGreetingErrorAsync(Topology.Environment.Primary.Port);

        Assert.NotNull(error);
        Assert.Equal(1130, error.Value.Number);
        Assert.Contains("127.0.0.2", error.Value.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_connection_is_refused_and_every_replica_replicates_over_verified_tls()
    {
        var primary = Topology.Environment.Primary;
        var plain = Topology.EngineImpl.AdminTarget(primary, Topology.Credentials, null) with { Tls = TlsMode.Disable };
        var refused = await Assert.ThrowsAsync<DatabaseException>(() => Topology.EngineImpl.ConnectAsync(plain, CancellationToken.None));
        Assert.Contains("connect with tls: verify-full or require instead of tls: disable", refused.Message, StringComparison.Ordinal);

        // An account that does not require TLS itself meets the server's require_secure_transport
        // (MariaDB answers it, too, with access denied), and is admitted over TLS.
        await using (var admin = await Topology.ConnectAsync("primary", null))
        {
            await admin.ExecuteAsync("CREATE OR REPLACE USER tls_probe@'127.0.0.1' IDENTIFIED BY 'probe-pw'");
        }

        var probe = new ConnectionTarget(primary.Host, primary.Port, "tls_probe", new Secret("probe-pw", "test"), null);
        var insecure = await Assert.ThrowsAsync<DatabaseException>(() => Topology.EngineImpl.ConnectAsync(probe, CancellationToken.None));
        Assert.Equal("1045", insecure.Code);
        await using (await Topology.EngineImpl.ConnectAsync(probe with { Tls = TlsMode.Require }, CancellationToken.None))
        {
        }

        // status reads the end of each server's certificate as the server has it (issued for 397 days).
        var nodes = (await Topology.StatusAsync()).Nodes;
        Assert.Equal(3, nodes.Count);
        Assert.All(nodes, n => Assert.InRange(n.CertificateNotAfter!.Value, DateTimeOffset.UtcNow.AddDays(390), DateTimeOffset.UtcNow.AddDays(398)));
        Assert.DoesNotContain(nodes, n => n.CertificateExpiring);

        foreach (var replica in Topology.Environment.Replicas)
        {
            await using var session = await Topology.ConnectAsync(replica.Name, null);
            var status = (await session.QueryAsync("SHOW SLAVE STATUS")).Single();
            Assert.Equal("Yes", status.GetString("Master_SSL_Allowed"));
            Assert.Equal("Yes", status.GetString("Master_SSL_Verify_Server_Cert"));
            Assert.EndsWith("tls-ca.crt", status.GetString("Master_SSL_CA_File"), StringComparison.Ordinal);
            Assert.Equal("Yes", status.GetString("Slave_IO_Running"));
        }

        await using var onPrimary = await Topology.ConnectAsync("primary", null);
        var accounts = await onPrimary.QueryAsync("SELECT User, Host, JSON_VALUE(Priv, '$.ssl_type') AS required_tls FROM mysql.global_priv WHERE User IN (?, ?)", [Topology.Credentials.AdminUser, Topology.Credentials.ReplicationUser]);
        Assert.NotEmpty(accounts);

        // ssl_type 1 is REQUIRE SSL.
        Assert.All(accounts, a => Assert.Equal("1", a.GetString("required_tls")));
    }

    [Fact]
    public async Task A_certificate_from_a_foreign_ca_or_for_another_host_is_refused_by_the_tools_sessions_and_the_io_thread()
    {
        var primary = Topology.Environment.Primary;
        var foreign = Topology.EngineImpl.AdminTarget(primary, Topology.Credentials, null) with { TrustedCaFile = NodeCertificates.ForeignCaFile(Topology.Directory) };
        var untrusted = await Assert.ThrowsAsync<DatabaseException>(() => Topology.EngineImpl.ConnectAsync(foreign, CancellationToken.None));
        Assert.True(untrusted.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase), untrusted.Message);

        await using var held = await Topology.ConnectAsync("primary", null);
        await using var replica = await Topology.ConnectAsync("replica-1", null);
        var restore = NodeCertificates.GiveWrongHostName(Topology, "primary");
        try
        {
            await held.ExecuteAsync("FLUSH LOCAL SSL");
            var misnamed = await Assert.ThrowsAsync<DatabaseException>(() => Topology.ConnectAsync("primary", null));
            Assert.Contains("certificate", misnamed.Message, StringComparison.OrdinalIgnoreCase);

            // The IO thread's next connection meets the new certificate, and refuses it.
            await replica.ExecuteAsync("STOP SLAVE IO_THREAD");
            await replica.ExecuteAsync("START SLAVE IO_THREAD");
            await TestTopology.EventuallyAsync(
                async () => (await replica.QueryAsync("SHOW SLAVE STATUS")).Single().GetString("Last_IO_Error") is { Length: > 0 } error
                    && error.Contains("certificate", StringComparison.OrdinalIgnoreCase),
                "replica-1's IO thread refuses the primary's misnamed certificate");
            Assert.NotEqual("Yes", (await replica.QueryAsync("SHOW SLAVE STATUS")).Single().GetString("Slave_IO_Running"));
        }
        finally
        {
            restore();
            await held.ExecuteAsync("FLUSH LOCAL SSL");
        }

        await replica.ExecuteAsync("STOP SLAVE IO_THREAD");
        await replica.ExecuteAsync("START SLAVE IO_THREAD");
        await TestTopology.EventuallyAsync(
            async () => (await replica.QueryAsync("SHOW SLAVE STATUS")).Single().GetString("Slave_IO_Running") == "Yes",
            "replica-1 replicates again once the primary has its right certificate");
    }

    [Fact]
    public async Task The_replication_account_can_only_replicate()
    {
        var table = UniqueTable("secret");
        await using (var admin = await Topology.ConnectAsync("primary"))
        {
            await admin.ExecuteAsync($"CREATE TABLE {table} (id int PRIMARY KEY)");
        }

        var credentials = Topology.Credentials;
        var primary = Topology.Environment.Primary;
        var asReplicator = new ConnectionTarget(primary.Host, primary.Port, credentials.ReplicationUser, credentials.ReplicationPassword, null) { Tls = TlsMode.VerifyFull, TrustedCaFile = credentials.TrustedCaFile };
        await using var session = await Topology.EngineImpl.ConnectAsync(asReplicator, CancellationToken.None);

        var denied = await Assert.ThrowsAsync<DatabaseException>(() => session.QueryAsync($"SELECT * FROM app.{table}"));
        Assert.Equal("1142", denied.Code);
        var grants = (await session.QueryAsync("SHOW GRANTS")).Select(r => r.Values.Values.Single() as string).ToList();
        var grant = Assert.Single(grants);
        Assert.StartsWith($"GRANT REPLICATION SLAVE ON *.* TO `{credentials.ReplicationUser}`@`127.0.0.1`", grant, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nodes_run_with_unique_server_ids_gtid_strict_mode_and_row_binlogs()
    {
        var ids = new List<long>();
        foreach (var node in Topology.Environment.Nodes)
        {
            await using var session = await Topology.ConnectAsync(node.Name, null);
            var row = (await session.QueryAsync(
                "SELECT @@server_id AS id, @@binlog_format AS format, @@gtid_strict_mode AS strict, @@log_slave_updates AS chain, @@read_only AS ro, @@character_set_server AS charset")).Single();
            ids.Add(row.GetInt64("id")!.Value);
            Assert.Equal("ROW", row.GetString("format"));
            Assert.True(row.GetBoolean("strict"));
            Assert.True(row.GetBoolean("chain"));
            Assert.Equal(node.Role == NodeRole.Replica, row.GetBoolean("ro"));
            Assert.Equal("utf8mb4", row.GetString("charset"));
        }

        Assert.Equal(3, ids.Distinct().Count());
    }
}

[Collection(MariaDbOnDockerCollection.Name)]
public sealed class MariaDbOnDockerTopologyTests(MariaDbOnDockerFixture fixture) : ReplicatedTopologyTests(fixture)
{
    protected override string ReadOnlyErrorCode => "1290";

    protected override string P(int n) => "?";
}
