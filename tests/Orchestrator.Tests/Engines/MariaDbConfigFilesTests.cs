using Orchestrator.Engines.MariaDb;
using Orchestrator.Environments;

namespace Orchestrator.Tests.Engines;

public sealed class MariaDbConfigFilesTests
{
    [Fact]
    public void Replicas_are_read_only_and_every_node_has_its_own_server_id()
    {
        var env = Load();
        var primary = MariaDbConfigFiles.ServerConf(env, env.Primary, "/s/primary", "/s/primary/data", "/s/primary/server.log");
        var replica = MariaDbConfigFiles.ServerConf(env, env.Node("replica-2"), "/s/replica-2", "/s/replica-2/data", "/s/replica-2/server.log");

        Assert.Contains("server_id = 1", primary, StringComparison.Ordinal);
        Assert.Contains("read_only = OFF", primary, StringComparison.Ordinal);
        Assert.Contains("server_id = 3", replica, StringComparison.Ordinal);
        Assert.Contains("read_only = ON", replica, StringComparison.Ordinal);
        Assert.DoesNotContain("skip-slave-start", primary + replica, StringComparison.Ordinal);
        foreach (var setting in new[] { "tmpdir = \"/s/replica-2/tmp\"", "binlog_format = ROW", "gtid_strict_mode = ON", "log_slave_updates = ON", "bind-address = 127.0.0.1", "port = 3308", "character-set-server = utf8mb4", "socket = \"/s/replica-2/mariadb.sock\"" })
        {
            Assert.Contains(setting, replica, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_fenced_former_primary_starts_read_only_and_replicating_from_nobody()
    {
        var env = Load();
        var fenced = MariaDbConfigFiles.ServerConf(env, env.Primary with { Fenced = true }, "/s/primary", "/s/primary/data", "/s/primary/server.log");

        var lines = fenced.Split('\n');
        Assert.Contains("read_only = ON", lines);
        Assert.Contains("skip-slave-start", lines);
        Assert.DoesNotContain("read_only = OFF", lines);
    }

    [Theory]
    [InlineData("127.0.0.1/32", "127.0.0.1")]
    [InlineData("10.20.0.0/16", "10.20.0.0/255.255.0.0")]
    public void Host_patterns_use_netmasks(string cidr, string pattern)
    {
        Assert.True(Cidr.TryParse(cidr, out var parsed, out _));
        Assert.Equal(pattern, MariaDbConfigFiles.HostPattern(parsed!));
    }

    [Fact]
    public void Client_option_files_quote_passwords()
    {
        Assert.Equal("[client]\nuser = \"admin\"\npassword = \"a\\\"b\\\\c\"\n", MariaDbConfigFiles.ClientConf("admin", "a\"b\\c"));
    }

    [Fact]
    public void Native_password_hash_matches_an_independent_computation()
    {
        // "*" + upper hex of SHA1(SHA1(password)), computed with Python's hashlib.
        Assert.Equal("*0E8F21E4240F5AD5A07D088F9C93890D13D78A4E", NativePasswordHash.Compute("correct horse"));
    }

    [Theory]
    [InlineData("5.5.5-10.11.19-MariaDB-0+deb12u1-log", "10.11.19-MariaDB-0+deb12u1-log")]
    [InlineData("10.11.19-MariaDB", "10.11.19-MariaDB")]
    [InlineData("8.0.36", "8.0.36")]
    public void The_wire_prefix_of_the_server_version_is_removed(string reported, string readable) =>
        Assert.Equal(readable, MariaDbVersion.Parse(reported));

    [Fact]
    public void Gtid_distance_counts_transactions_per_domain()
    {
        Assert.Equal(0, GtidPosition.Distance("0-1-10", "0-1-10"));
        Assert.Equal(3, GtidPosition.Distance("0-1-10,1-2-5", "0-1-9,1-2-3"));
        Assert.Equal(10, GtidPosition.Distance("0-1-10", ""));
    }

    private static EnvironmentDefinition Load() => TestEnvironments.FromYaml("""
        name: t
        engine: mariadb
        database: app
        nodes:
          - { name: primary,   role: primary, port: 3306 }
          - { name: replica-1, role: replica, source: primary,   port: 3307 }
          - { name: replica-2, role: replica, source: replica-1, port: 3308 }
        """);
}
