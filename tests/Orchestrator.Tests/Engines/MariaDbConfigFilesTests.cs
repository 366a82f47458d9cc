using Orchestrator.Engines.MariaDb;
using Orchestrator.Environments;
using Orchestrator.Hosts;

namespace Orchestrator.Tests.Engines;

public sealed class MariaDbConfigFilesTests
{
    [Fact]
    public void Replicas_are_read_only_and_every_node_has_its_own_server_id()
    {
        var env = Load();
        var primary = MariaDbConfigFiles.ServerConf(env, env.Primary, Paths("primary"));
        var replica = MariaDbConfigFiles.ServerConf(env, env.Node("replica-2"), Paths("replica-2"));

        Assert.Contains("server_id = 1", primary, StringComparison.Ordinal);
        Assert.Contains("read_only = OFF", primary, StringComparison.Ordinal);
        Assert.Contains("server_id = 3", replica, StringComparison.Ordinal);
        Assert.Contains("read_only = ON", replica, StringComparison.Ordinal);
        Assert.DoesNotContain("skip-slave-start", primary + replica, StringComparison.Ordinal);
        foreach (var setting in new[] { "tmpdir = \"/s/replica-2/tmp\"", "binlog_format = ROW", "gtid_strict_mode = ON", "log_slave_updates = ON", "slave_parallel_threads = 4", "slave_parallel_mode = optimistic", "bind-address = 127.0.0.1", "port = 3308", "character-set-server = utf8mb4", "socket = \"/s/replica-2/mariadb.sock\"" })
        {
            Assert.Contains(setting, replica, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_fenced_former_primary_starts_read_only_and_replicating_from_nobody()
    {
        var env = Load();
        var fenced = MariaDbConfigFiles.ServerConf(env, env.Primary with { Fenced = true }, Paths("primary"));

        var lines = fenced.Split('\n');
        Assert.Contains("read_only = ON", lines);
        Assert.Contains("skip-slave-start", lines);
        Assert.DoesNotContain("read_only = OFF", lines);

        // Started by hand it recovers as rejoin starts it: commits no replica acknowledged are discarded.
        Assert.Contains("init-rpl-role = SLAVE", lines);
        Assert.Contains("rpl_semi_sync_slave_enabled = ON", lines);
        Assert.DoesNotContain("rpl_semi_sync_slave_enabled = OFF", lines);
    }

    [Fact]
    public void A_synchronous_replica_acknowledges_and_its_primary_waits_after_the_binary_log_sync_with_no_fall_back()
    {
        var env = TestEnvironments.FromYaml("""
            name: t
            engine: mariadb
            database: app
            nodes:
              - { name: primary,   role: primary, port: 3306 }
              - { name: replica-1, role: replica, source: primary,   port: 3307, sync: true }
              - { name: replica-2, role: replica, source: primary,   port: 3308 }
            """);
        string[] Lines(NodeDefinition node) => MariaDbConfigFiles.ServerConf(env, node, Paths(node.Name)).Split('\n');

        Assert.Contains("rpl_semi_sync_master_enabled = ON", Lines(env.Primary));
        Assert.Contains("rpl_semi_sync_master_wait_point = AFTER_SYNC", Lines(env.Primary));
        Assert.Contains($"rpl_semi_sync_master_timeout = {uint.MaxValue}", Lines(env.Primary));
        Assert.Contains("rpl_semi_sync_slave_enabled = OFF", Lines(env.Primary));
        Assert.Contains("rpl_semi_sync_slave_enabled = ON", Lines(env.Node("replica-1")));
        Assert.Contains("rpl_semi_sync_master_enabled = OFF", Lines(env.Node("replica-1")));
        Assert.Contains("rpl_semi_sync_slave_enabled = OFF", Lines(env.Node("replica-2")));

        // A stopping replica gives up on a failed primary's vanished address after a second, not five.
        Assert.Contains("rpl_semi_sync_slave_kill_conn_timeout = 1", Lines(env.Node("replica-1")));

        // Without a synchronous replica nothing waits, and a fenced former primary never does.
        Assert.Contains("rpl_semi_sync_master_enabled = OFF", MariaDbConfigFiles.ServerConf(Load(), Load().Primary, Paths("primary")).Split('\n'));
        Assert.Contains("rpl_semi_sync_master_enabled = OFF", Lines(env.Primary with { Fenced = true }));
    }

    [Fact]
    public void In_a_container_the_socket_is_in_the_mounted_socket_directory_and_the_server_listens_on_its_network_address()
    {
        var env = Load();
        var view = env with { Nodes = env.Nodes.Select((n, i) => n with { Host = $"10.213.7.{10 + i}", Port = 3306 }).ToList() };
        var conf = MariaDbConfigFiles.ServerConf(view, view.Node("replica-1"), new NodePaths("/var/lib/orchestrator/node", "/var/lib/orchestrator/node/data", "/var/lib/orchestrator/node/server.log", "/run/orchestrator"));

        foreach (var setting in new[] { "socket = \"/run/orchestrator/mariadb.sock\"", "datadir = \"/var/lib/orchestrator/node/data\"", "bind-address = 10.213.7.11", "port = 3306", "server_id = 2" })
        {
            Assert.Contains(setting, conf, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_dumps_gtid_position_is_read_from_its_header_or_else_from_its_end()
    {
        const string OldHeader = "-- CHANGE MASTER TO MASTER_LOG_FILE='binlog.000002', MASTER_LOG_POS=344;\n-- SET GLOBAL gtid_slave_pos='0-1-5';\nCREATE TABLE t (note text);\n";
        Assert.Equal("0-1-5", MariaDbConfigFiles.DumpGtidPosition(OldHeader, "UNLOCK TABLES;\n"));

        // mariadb-dump 10.11.19 defers it past the data, where a row may mention the same words.
        const string NewHeader = "-- CHANGE MASTER TO MASTER_USE_GTID=slave_pos;\n-- A corresponding to the above master-data CHANGE-MASTER settings to the slave gtid state is printed later in the file.\n";
        const string NewTail = "INSERT INTO t VALUES ('SET GLOBAL gtid_slave_pos=''9-9-9''');\n-- Preferably use GTID to start replication from GTID position:\n\n-- SET GLOBAL gtid_slave_pos='0-1-22,1-2-3';\n/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n";
        Assert.Equal("0-1-22,1-2-3", MariaDbConfigFiles.DumpGtidPosition(NewHeader, NewTail));
        Assert.Null(MariaDbConfigFiles.DumpGtidPosition(NewHeader, "UNLOCK TABLES;\n"));
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

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("with \"quotes\"", "\"with \\\"quotes\\\"\"")]
    [InlineData(@"back\slash\", @"""back\\slash\\""")]
    [InlineData("# not a comment; nor this", "\"# not a comment; nor this\"")]
    [InlineData("  spaces kept  ", "\"  spaces kept  \"")]
    [InlineData("it's", "\"it's\"")]
    public void Option_file_values_are_quoted_with_mariadbs_escapes(string value, string quoted)
    {
        Assert.Equal(quoted, MariaDbConfigFiles.Quote(value));
        Assert.Equal(value, ReadBackLikeMariaDb(quoted));
    }

    [Fact]
    public void A_line_break_in_a_value_cannot_start_another_option()
    {
        var conf = MariaDbConfigFiles.ClientConf("admin", "pw\n--f$(id)\r\tx\b");

        Assert.Equal("[client]\nuser = \"admin\"\npassword = \"pw\\n--f$(id)\\r\\tx\\b\"\n", conf);
        Assert.Equal(4, conf.Split('\n').Length);
        Assert.Equal("pw\n--f$(id)\r\tx\b", ReadBackLikeMariaDb(conf.Split('\n')[2]["password = ".Length..]));
    }

    [Theory]
    [InlineData("nul\0")]
    [InlineData("escape\u001b[0m")]
    public void Control_characters_without_an_escape_are_refused(string value) =>
        Assert.Throws<ArgumentException>(() => MariaDbConfigFiles.ClientConf("admin", value));

    [Fact]
    public void A_value_longer_than_mariadbs_line_buffer_is_refused() =>
        Assert.Throws<ArgumentException>(() => MariaDbConfigFiles.Quote(new string('x', MariaDbConfigFiles.MaxQuotedBytes)));

    /// <summary>What MariaDB's option-file reader (mysys my_default.c) makes of a quoted value.</summary>
    private static string ReadBackLikeMariaDb(string quoted)
    {
        Assert.True(quoted.Length >= 2 && quoted[0] == '"' && quoted[^1] == '"', quoted);
        var inner = quoted[1..^1];
        var value = new System.Text.StringBuilder();
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i != inner.Length - 1)
            {
                i++;
                value.Append(inner[i] switch { 'n' => "\n", 't' => "\t", 'r' => "\r", 'b' => "\b", 's' => " ", '"' => "\"", '\'' => "'", '\\' => "\\", var other => "\\" + other });
            }
            else
            {
                Assert.NotEqual('"', inner[i]);
                value.Append(inner[i]);
            }
        }

        return value.ToString();
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

    private static NodePaths Paths(string node) => new($"/s/{node}", $"/s/{node}/data", $"/s/{node}/server.log", $"/s/{node}");
}
