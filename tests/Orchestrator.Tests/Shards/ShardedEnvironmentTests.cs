using Orchestrator.Environments;
using Orchestrator.Shards;
using Orchestrator.State;

namespace Orchestrator.Tests.Shards;

public sealed class ShardedEnvironmentTests
{
    [Fact]
    public void A_template_generates_count_shards_with_derived_names_databases_and_port_blocks()
    {
        var env = Load("""
            name: fleet
            engine: postgres
            database: app
            shards:
              count: 3
              name: eu-{n}
              database: app_{n}
              port: 56000
              nodes:
                - { name: primary, role: primary }
                - { name: replica-1, role: replica, source: primary }
                - { name: replica-2, role: replica, source: replica-1 }
            """);

        Assert.True(env.IsSharded);
        Assert.Empty(env.Nodes);
        Assert.Equal(["eu-1", "eu-2", "eu-3"], env.Shards.Select(s => s.Name));
        Assert.Equal(["app_1", "app_2", "app_3"], env.Shards.Select(s => s.Database));
        Assert.Equal([56000, 56001, 56002, 56003, 56004, 56005, 56006, 56007, 56008], env.Shards.SelectMany(s => s.Nodes).Select(n => n.Port));
        Assert.Equal("replica-1", env.Shards[2].Nodes[2].Source);
        Assert.Equal([new Cidr(System.Net.IPAddress.Loopback, 32)], env.Allow);
    }

    [Fact]
    public void Each_shard_archives_into_a_folder_of_its_own_in_the_files_archive()
    {
        var env = Load("""
            name: fleet
            engine: postgres
            database: app
            backup: { archive: /var/tmp/fleet-archive, archive_timeout: 5s }
            shards:
              count: 2
              name: eu-{n}
              port: 56000
              nodes:
                - { name: primary, role: primary }
            """);

        Assert.Equal(["/var/tmp/fleet-archive/eu-1", "/var/tmp/fleet-archive/eu-2"], env.Shards.Select(s => env.Shard(s.Name).Archive!.Directory));
        Assert.Equal(TimeSpan.FromSeconds(5), env.Shard("eu-2").Archive!.Timeout);
    }

    [Fact]
    public void A_shard_is_an_environment_of_its_own_with_its_own_state_directory()
    {
        var env = Load("""
            name: fleet
            engine: mariadb
            database: app
            shards:
              - name: eu
                nodes:
                  - { name: primary, role: primary, port: 56010 }
                  - { name: replica, role: replica, source: primary, port: 56011 }
              - name: us
                database: app_us
                nodes:
                  - { name: primary, role: primary, port: 56012 }
            """);

        var us = env.Shard("us");

        Assert.Equal("fleet.us", us.Name);
        Assert.Equal("us", us.ShardName);
        Assert.Equal("app_us", us.Database);
        Assert.Equal("app", env.Shard("eu").Database);
        Assert.False(us.IsSharded);
        Assert.Equal(56012, us.Primary.Port);
        var stateDir = Path.Combine(Path.GetTempPath(), $"orch-shards-{Guid.NewGuid():N}");
        Assert.Equal(Path.Combine(stateDir, "us"), StateLayout.For(us, stateDir).Root);
        Assert.False(Directory.Exists(stateDir));
        Assert.Throws<ArgumentException>(() => env.Shard("asia"));
    }

    [Fact]
    public void The_shards_share_one_ca_which_goes_when_the_last_shard_state_is_purged()
    {
        var env = Load("""
            name: fleet
            engine: postgres
            database: app
            shards: { count: 2, port: 56030, nodes: [ { name: primary, role: primary } ] }
            """);
        var stateDir = Directory.CreateTempSubdirectory("orch-shards-").FullName;
        try
        {
            var one = StateLayout.For(env.Shard("shard-1"), stateDir);
            var two = StateLayout.For(env.Shard("shard-2"), stateDir);
            Assert.Equal(Path.Combine(stateDir, "tls"), one.CaDir);
            Assert.Equal(one.CaDir, two.CaDir);
            Assert.NotEqual(one.TlsDir, two.TlsDir);
            Assert.NotEqual(one.TlsDir, one.CaDir);

            var issuedOne = EnvironmentCa.In(one, env.Shard("shard-1").FleetName).NodeCertificate("primary", ["127.0.0.1"]);
            var issuedTwo = EnvironmentCa.In(two, env.Shard("shard-2").FleetName).NodeCertificate("primary", ["127.0.0.1"]);
            Assert.Equal(issuedOne.CaPem, issuedTwo.CaPem);
            Assert.NotEqual(issuedOne.CertificatePem, issuedTwo.CertificatePem);
            using (var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(issuedOne.CaPem))
            {
                Assert.Equal("CN=orchestrator CA for environment fleet", ca.Subject);
            }

            // Both shards were brought up (their owner files exist); purging one keeps the CA the other needs.
            foreach (var state in new[] { one, two })
            {
                File.WriteAllText(Path.Combine(state.Root, "environment.json"), "{}");
            }

            Directory.Delete(one.Root, recursive: true);
            Assert.False(one.ForgetSharedCaIfUnused());
            Assert.True(File.Exists(Path.Combine(stateDir, "tls", "ca.crt")));
            Directory.Delete(two.Root, recursive: true);
            Assert.True(two.ForgetSharedCaIfUnused());
            Assert.False(Directory.Exists(Path.Combine(stateDir, "tls")));
        }
        finally
        {
            Directory.Delete(stateDir, recursive: true);
        }
    }

    [Fact]
    public void Selection_takes_every_shard_in_file_order_or_the_named_ones_and_refuses_unknown_names()
    {
        var env = Load("""
            name: fleet
            engine: postgres
            database: app
            shards: { count: 4, port: 56020, nodes: [ { name: primary, role: primary } ] }
            """);

        Assert.Equal(["shard-1", "shard-2", "shard-3", "shard-4"], ShardSelection.Select(env, []).Select(s => s.ShardName));
        Assert.Equal(["shard-2", "shard-4"], ShardSelection.Select(env, ["shard-4", "shard-2"]).Select(s => s.ShardName));
        var unknown = Assert.Throws<ShardSelectionException>(() => ShardSelection.Select(env, ["shard-5"]));
        Assert.Contains("did you mean 'shard-1'", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("shard-3", ShardSelection.One(env, ["shard-3"]).ShardName);
        Assert.Throws<ShardSelectionException>(() => ShardSelection.One(env, []));
        var two = Assert.Throws<ShardSelectionException>(() => ShardSelection.One(env, ["shard-1", "shard-2"]));
        Assert.Contains("give --shard once (got shard-1, shard-2)", two.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_environment_without_shards_is_its_own_selection_and_refuses_a_shard_name()
    {
        var env = Load("""
            name: single
            engine: postgres
            database: app
            nodes: [ { name: primary, role: primary, port: 56030 } ]
            """);

        Assert.Same(env, Assert.Single(ShardSelection.Select(env, [])));
        Assert.Same(env, ShardSelection.One(env, []));
        Assert.Throws<ShardSelectionException>(() => ShardSelection.Select(env, ["shard-1"]));
    }

    private static EnvironmentDefinition Load(string yaml) => TestEnvironments.FromYaml(yaml);
}
