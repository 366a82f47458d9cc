using Orchestrator.Environments;

namespace Orchestrator.Tests.Environments;

public sealed class SecretTests
{
    [Fact]
    public void Resolves_env_and_file_references_and_never_prints_them()
    {
        var env = TestEnvironments.FromYaml(
            """
            name: t
            engine: postgres
            database: app
            credentials:
              admin: { user: admin_user, password: "${env:T_ADMIN}" }
              replication: { user: repl_user, password: "${file:repl.txt}" }
            nodes:
              - { name: primary, role: primary, port: 5432 }
            """,
            name => name == "T_ADMIN" ? "s3cret-from-env" : null,
            dir => File.WriteAllText(Path.Combine(dir, "repl.txt"), "s3cret-from-file\n"));

        Assert.Equal("s3cret-from-env", env.Admin.Password!.Reveal());
        Assert.Equal("s3cret-from-file", env.Replicator.Password!.Reveal());
        Assert.Equal("${file:repl.txt}", env.Replicator.Password.Origin);
        var printed = $"{env} {env.Admin} {env.Replicator}";
        Assert.DoesNotContain("s3cret", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_access_to_the_node_hosts_when_not_given()
    {
        var env = TestEnvironments.FromYaml("""
            name: t
            engine: mariadb
            database: app
            nodes:
              - { name: primary, role: primary, host: 127.0.0.1, port: 3306 }
              - { name: replica, role: replica, source: primary, host: 127.0.0.3, port: 3306 }
            """);

        Assert.Equal(["127.0.0.1/32", "127.0.0.3/32"], env.Allow.Select(c => c.ToString()));
    }
}
