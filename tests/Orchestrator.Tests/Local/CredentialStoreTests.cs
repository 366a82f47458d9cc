using Orchestrator.State;

namespace Orchestrator.Tests.Local;

/// <summary>Which passwords a command gets: the admin one always, the replication one only where it is given or generated.</summary>
public sealed class CredentialStoreTests
{
    private const string AdminOnly = """
        name: prod
        engine: postgres
        provider: external
        database: app
        credentials:
          admin: { user: orchestrator, password: "${env:T_ADMIN}" }
          replication: { user: replicator }
        nodes:
          - { name: db-1, role: primary, host: db1.example.internal, port: 5432 }
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_external_environment_with_only_the_admin_password_resolves_for_status_plan_migrate_and_drift(bool namesTheReplicationAccount)
    {
        var yaml = namesTheReplicationAccount ? AdminOnly : AdminOnly.Replace("  replication: { user: replicator }\n", "", StringComparison.Ordinal);
        Assert.Equal(namesTheReplicationAccount, yaml.Contains("replication:", StringComparison.Ordinal));
        var env = TestEnvironments.FromYaml(yaml, name => name == "T_ADMIN" ? "admin-secret" : null);

        var credentials = CredentialStore.Resolve(env, state: null, create: false);

        Assert.Equal("admin-secret", credentials.AdminPassword.Reveal());
        Assert.Null(credentials.ReplicationPassword);
        Assert.Equal("replicator", credentials.ReplicationUser);
    }

    [Fact]
    public void A_step_that_connects_as_the_replication_account_asks_for_its_password_as_bad_input()
    {
        var env = TestEnvironments.FromYaml(AdminOnly, name => name == "T_ADMIN" ? "admin-secret" : null);
        var credentials = CredentialStore.Resolve(env, state: null, create: false);

        var error = Assert.Throws<MissingPasswordException>(credentials.RequiredReplicationPassword);

        Assert.Contains("'replicator'", error.Message, StringComparison.Ordinal);
        Assert.Contains("credentials.replication.password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_external_environment_that_gives_both_passwords_resolves_both()
    {
        var env = TestEnvironments.FromYaml(
            AdminOnly.Replace("replication: { user: replicator }", "replication: { user: replicator, password: \"${env:T_REPL}\" }", StringComparison.Ordinal),
            name => name switch { "T_ADMIN" => "admin-secret", "T_REPL" => "repl-secret", _ => null });

        var credentials = CredentialStore.Resolve(env, state: null, create: false);

        Assert.Equal("repl-secret", credentials.RequiredReplicationPassword().Reveal());
    }

    [Fact]
    public void A_local_environment_without_passwords_gets_both_generated_in_its_state_directory()
    {
        var env = TestEnvironments.FromYaml("""
            name: t
            engine: postgres
            database: app
            nodes:
              - { name: primary, role: primary, port: 5432 }
            """);
        var dir = Directory.CreateTempSubdirectory("orch-state-").FullName;
        try
        {
            var credentials = CredentialStore.Resolve(env, StateLayout.For(env, dir), create: true);

            Assert.Equal(32, credentials.AdminPassword.Reveal().Length);
            Assert.Equal(32, credentials.RequiredReplicationPassword().Reveal().Length);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
