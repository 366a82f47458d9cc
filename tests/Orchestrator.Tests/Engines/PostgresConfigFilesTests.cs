using Orchestrator.Engines.Postgres;
using Orchestrator.Environments;
using Orchestrator.Hosts;

namespace Orchestrator.Tests.Engines;

public sealed class PostgresConfigFilesTests
{
    private static EnvironmentDefinition Load(string nodes, string tls = "") =>
        TestEnvironments.FromYaml($"name: t\nengine: postgres\ndatabase: app\n{tls}access:\n  allow: [127.0.0.1/32, 10.1.0.0/16]\nnodes:\n{nodes}");

    private static NodePaths Paths(string node) => new($"/state/{node}", $"/state/{node}/data", $"/state/{node}/server.log", $"/state/{node}");

    private static List<string> Rules(string hba) =>
        hba.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();

    private const string Chain = """
          - { name: primary,   role: primary, host: 127.0.0.1, port: 5000 }
          - { name: replica-1, role: replica, source: primary,   host: 127.0.0.1, port: 5001, sync: true }
          - { name: replica-2, role: replica, source: replica-1, host: 127.0.0.3, port: 5002 }
          - { name: replica-3, role: replica, source: primary,   host: 127.0.0.1, port: 5003, sync: true }
        """;

    [Fact]
    public void Hba_admits_replication_only_from_replica_addresses_and_everyone_else_only_from_allow_and_only_over_tls()
    {
        Assert.Equal(
            [
                "hostnossl all all all reject # TLS only",
                "hostnossl replication all all reject # TLS only",
                "hostssl replication replicator 127.0.0.1/32 scram-sha-256 # replica-1, replica-3",
                "hostssl replication replicator 127.0.0.3/32 scram-sha-256 # replica-2",
                "hostssl all replicator all reject",
                "hostssl all all 127.0.0.1/32 scram-sha-256",
                "hostssl all all 10.1.0.0/16 scram-sha-256",
            ],
            Rules(PostgresConfigFiles.HbaConf(Load(Chain))));
    }

    [Fact]
    public void With_tls_disable_written_the_servers_admit_plain_connections_and_have_no_certificate()
    {
        var env = Load(Chain, "tls: disable\n");

        Assert.Equal(
            [
                "host replication replicator 127.0.0.1/32 scram-sha-256 # replica-1, replica-3",
                "host replication replicator 127.0.0.3/32 scram-sha-256 # replica-2",
                "host all replicator all reject",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all 10.1.0.0/16 scram-sha-256",
            ],
            Rules(PostgresConfigFiles.HbaConf(env)));
        var conf = PostgresConfigFiles.ServerConf(env, env.Node("replica-2"), Paths("replica-2"));
        Assert.DoesNotContain("ssl = on", conf, StringComparison.Ordinal);
        Assert.Contains("sslmode=''disable''", conf, StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_presents_its_certificate_and_a_replica_checks_its_source_against_the_environment_ca()
    {
        var env = Load(Chain);
        var conf = PostgresConfigFiles.ServerConf(env, env.Node("replica-2"), Paths("replica-2"));

        Assert.Contains("ssl = on", conf.Split('\n'));
        Assert.Contains("ssl_cert_file = '/state/replica-2/tls-server.crt'", conf.Split('\n'));
        Assert.Contains("ssl_key_file = '/state/replica-2/tls-server.key'", conf.Split('\n'));
        Assert.Contains("sslmode=''verify-full'' sslrootcert=''/state/replica-2/tls-ca.crt''", conf, StringComparison.Ordinal);
    }

    [Fact]
    public void Synchronous_standby_names_lists_the_sync_replicas_quoted()
    {
        Assert.Equal("ANY 1 (\"replica-1\", \"replica-3\")", PostgresConfigFiles.SynchronousStandbyNames(Load(Chain)));
    }

    [Fact]
    public void A_cascading_replica_streams_from_its_source_through_its_own_slot()
    {
        var env = Load(Chain);
        var conf = PostgresConfigFiles.ServerConf(env, env.Node("replica-2"), Paths("replica-2"));

        Assert.Contains("port = 5002", conf, StringComparison.Ordinal);
        Assert.Contains("listen_addresses = '127.0.0.3'", conf, StringComparison.Ordinal);
        Assert.Contains(
            "primary_conninfo = 'host=''127.0.0.1'' port=5001 user=''replicator'' application_name=''replica-2'' passfile=''/state/replica-2/pgpass'' sslmode=''verify-full'' sslrootcert=''/state/replica-2/tls-ca.crt'''",
            conf,
            StringComparison.Ordinal);
        Assert.Contains("primary_slot_name = 'replica_2'", conf, StringComparison.Ordinal);
        Assert.DoesNotContain("synchronous_standby_names", conf, StringComparison.Ordinal);
        Assert.Contains("max_slot_wal_keep_size = '1GB'", conf, StringComparison.Ordinal);
        Assert.Contains("wal_log_hints = on", conf, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_server_does_not_log_hint_bits()
    {
        var env = TestEnvironments.FromYaml("""
            name: solo
            engine: postgres
            database: app
            nodes:
              - { name: primary, role: primary, port: 5000 }
            """);

        var conf = PostgresConfigFiles.ServerConf(env, env.Primary, Paths("primary"));

        Assert.Contains("wal_log_hints = off", conf, StringComparison.Ordinal);
    }

    [Fact]
    public void Passfile_fields_escape_colons_and_backslashes()
    {
        var env = Load(Chain);
        Assert.Equal("127.0.0.1:5000:replication:replicator:a\\:b\\\\c\n", PostgresConfigFiles.PassfileLine(env.Primary, "replicator", "a:b\\c"));
    }

    [Fact]
    public void Scram_verifier_matches_an_independent_computation()
    {
        // Computed independently with Python's hashlib.pbkdf2_hmac and hmac for the same salt.
        var salt = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        Assert.Equal(ExpectedVerifier, ScramVerifier.Compute("correct horse", salt));
    }

    private const string ExpectedVerifier = "SCRAM-SHA-256$4096:AQIDBAUGBwgJCgsMDQ4PEA==$9t2OtQHdiF+sGkmvxzd7Hi+ISL4HOW14+pBYfophhH4=:SbiWpEMcfcjnNxGw9Eut0+SRxOwWdKxZetNUuq1jFUE=";
}
