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
        var error = await ForeignClient.PostgresStartupErrorAsync(Topology.Environment.Primary.Port, Topology.Credentials.AdminUser, "app");

        Assert.NotNull(error);
        Assert.Contains("no pg_hba.conf entry for host \"127.0.0.2\"", error, StringComparison.Ordinal);
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
