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
    public async Task The_replication_account_can_only_replicate()
    {
        var table = UniqueTable("secret");
        await using (var admin = await Topology.ConnectAsync("primary"))
        {
            await admin.ExecuteAsync($"CREATE TABLE {table} (id int PRIMARY KEY)");
        }

        var credentials = Topology.Credentials;
        var primary = Topology.Environment.Primary;
        var asReplicator = new ConnectionTarget(primary.Host, primary.Port, credentials.ReplicationUser, credentials.ReplicationPassword, null);
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
