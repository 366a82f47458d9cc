using Orchestrator.Environments;
using Orchestrator.Hosts.Docker;
using Orchestrator.Hosts.Local;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Servers;
using Orchestrator.Topology;

namespace Orchestrator.IntegrationTests.Topology;

/// <summary>
/// Stops, restarts, kills and purges a topology of its own (the shared ones stay untouched), for
/// each engine and provider: down/up keeps data, a SIGKILLed replica (on this machine, or in its
/// container) is recovered by up and catches up, --purge deletes.
/// </summary>
public abstract class LifecycleTests
{
    private readonly EngineKind _engine;
    private readonly string _name;
    private readonly ProviderKind _provider;

    private protected LifecycleTests(EngineKind engine, string name, ProviderKind provider = ProviderKind.Local)
    {
        _engine = engine;
        _name = name;
        _provider = provider;
    }

    [Fact]
    public async Task Down_up_keeps_data_a_killed_replica_recovers_tls_is_turned_on_and_purge_deletes_everything()
    {
        // Brought up as an earlier version did, without certificates; its file later stops saying so.
        var topology = await TestTopology.StartAsync(_engine, _name, provider: _provider, tls: "disable");
        await using var cleanup = topology;
        var args = new[] { "-e", topology.File, "--state-dir", topology.StateDir };

        await ExecuteAsync(topology, "primary", "CREATE TABLE kept (id int PRIMARY KEY)", "INSERT INTO kept VALUES (1)");
        await WaitForRowsAsync(topology, "kept", 1);

        var down = await topology.DownAsync();
        Assert.True(down.Nodes.All(n => n.Action == NodeDownAction.Stopped), Describe(down.Nodes));
        var stopped = await topology.StatusAsync();
        Assert.All(stopped.Nodes, n => Assert.False(n.Reachable));
        Assert.All(stopped.Nodes, n => Assert.False(string.IsNullOrEmpty(n.Error)));
        var (statusExit, statusOutput) = await CliRunner.RunAsync(["status", .. args]);
        Assert.Equal(1, statusExit);
        Assert.Contains("replica-2", statusOutput, StringComparison.Ordinal);

        var up = await topology.UpAsync();
        Assert.True(up.Nodes.All(n => n.Action == NodeUpAction.Started), Describe(up.Nodes));
        await WaitForRowsAsync(topology, "kept", 1);

        // A replica with a cascading replica behind it dies without any chance to clean up.
        await topology.KillServerAsync("replica-1");
        await ExecuteAsync(topology, "primary", "INSERT INTO kept VALUES (2)");

        await File.WriteAllTextAsync(topology.File, (await File.ReadAllTextAsync(topology.File)).Replace("tls: disable\n", "", StringComparison.Ordinal));
        topology.Reload();
        Assert.Equal(TlsMode.VerifyFull, topology.Environment.Tls);

        var (upExit, upOutput) = await CliRunner.RunAsync(["up", .. args]);
        Assert.True(upExit == 0, upOutput);
        Assert.True(
            upOutput.Contains("recovered after an unclean stop 1", StringComparison.Ordinal) && upOutput.Contains("restarted with TLS 2", StringComparison.Ordinal)
                && upOutput.Contains("turning TLS on", StringComparison.Ordinal),
            upOutput);
        await WaitForRowsAsync(topology, "kept", 2);
        await AssertReplicationEncryptedAsync(topology);
        var status = await topology.StatusAsync();
        Assert.Equal(ObservedRole.Replica, status.Node("replica-1").Role);
        Assert.Equal("replica-1", status.Node("replica-2").ReplicatingFrom);

        // A rebuild seeds the cascading replica from a source whose dump is far longer than its
        // head (mariadb-dump may state its GTID position only at the end).
        var filler = new string('x', 900);
        await ExecuteAsync(topology, "primary", "CREATE TABLE bulk (id int PRIMARY KEY, filler varchar(1000))", $"INSERT INTO bulk VALUES {string.Join(", ", Enumerable.Range(1, 300).Select(i => $"({i}, '{filler}')"))}");
        await WaitForRowsAsync(topology, "bulk", 300);
        var (rebuildExit, rebuildOutput) = await CliRunner.RunAsync(["replica", "rebuild", "replica-2", .. args]);
        Assert.True(rebuildExit == 0, rebuildOutput);
        await ExecuteAsync(topology, "primary", "INSERT INTO bulk VALUES (301, 'after the rebuild')");
        await WaitForRowsAsync(topology, "bulk", 301);
        Assert.Equal("replica-1", (await topology.StatusAsync()).Node("replica-2").ReplicatingFrom);

        var pids = _provider == ProviderKind.Local ? topology.Environment.Nodes.Select(n => topology.ServerPid(n.Name)).ToList() : [];
        var (purgeExit, purgeOutput) = await CliRunner.RunAsync(["down", .. args, "--purge"]);
        Assert.True(purgeExit == 0, purgeOutput);
        Assert.Contains("is down (3 nodes stopped)", purgeOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(topology.StateDir));
        Assert.All(pids, p => Assert.False(Libc.ProcessExists(p)));
        if (_provider == ProviderKind.Docker)
        {
            using var docker = await DockerEngine.ConnectAsync(CancellationToken.None);
            var owned = DockerNames.Owned(topology.Environment);
            Assert.Empty(await docker.Containers.ListContainersAsync(new global::Docker.DotNet.Models.ContainersListParameters { All = true, Filters = owned }));
            Assert.Empty((await docker.Volumes.ListAsync(new global::Docker.DotNet.Models.VolumesListParameters { Filters = owned })).Volumes ?? []);
        }
    }

    /// <summary>Each replica streams from its source over TLS, the source's certificate checked.</summary>
    private static async Task AssertReplicationEncryptedAsync(TestTopology topology)
    {
        foreach (var replica in topology.Environment.Replicas)
        {
            if (topology.Engine == EngineKind.Postgres)
            {
                await using var source = await topology.ConnectAsync(replica.Source!);
                var ssl = Assert.Single(await source.QueryAsync("SELECT s.ssl FROM pg_stat_replication r JOIN pg_stat_ssl s ON s.pid = r.pid WHERE r.application_name = $1", [replica.Name]));
                Assert.True(ssl.GetBoolean("ssl"), $"{replica.Name} streams unencrypted");
            }
            else
            {
                await using var session = await topology.ConnectAsync(replica.Name, null);
                var status = (await session.QueryAsync("SHOW SLAVE STATUS")).Single();
                Assert.Equal(["Yes", "Yes", "Yes"], new[] { "Slave_IO_Running", "Master_SSL_Allowed", "Master_SSL_Verify_Server_Cert" }.Select(c => status.GetString(c)));
            }
        }
    }

    private static string Describe<T>(IEnumerable<NodeOutcome<T>> nodes) => string.Join(", ", nodes.Select(n => $"{n.Node}: {n.Action}"));

    private static async Task ExecuteAsync(TestTopology topology, string node, params string[] statements)
    {
        await using var session = await topology.ConnectAsync(node);
        foreach (var statement in statements)
        {
            await session.ExecuteAsync(statement);
        }
    }

    private static async Task WaitForRowsAsync(TestTopology topology, string table, long rows)
    {
        foreach (var node in topology.Environment.Nodes)
        {
            try
            {
                await TestTopology.EventuallyAsync(
                    async () =>
                    {
                        await using var session = await topology.ConnectAsync(node.Name);
                        return (await session.QueryAsync($"SELECT COUNT(*) AS n FROM {table}")).Single().GetInt64("n") == rows;
                    },
                    $"{node.Name} has {rows} rows in {table}");
            }
            catch (LocalProviderException e)
            {
                var status = await topology.StatusAsync();
                throw new Xunit.Sdk.XunitException($"{e.Message}; status: {string.Join("; ", status.Nodes.Select(n => $"{n.Name} {n.Role} {n.ReplicationState} {n.Position} {n.Error}"))}");
            }
        }
    }
}
