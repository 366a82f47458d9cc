using Orchestrator.Environments;

namespace Orchestrator.Tests.Environments;

/// <summary>The file's backup.archive: where it applies, and what its path and timeout may be.</summary>
public sealed class ArchiveSettingsTests
{
    [Fact]
    public void A_local_postgres_environment_archives_into_a_folder_beside_its_file_every_minute_by_default()
    {
        var env = Load("postgres", "local", "backup: { archive: archive }");

        Assert.True(Path.IsPathFullyQualified(env.Archive!.Directory));
        Assert.Equal("archive", Path.GetFileName(env.Archive.Directory));
        Assert.Equal(Path.Combine(env.Archive.Directory, "wal"), env.Archive.WalDirectory);
        Assert.Equal(TimeSpan.FromSeconds(60), env.Archive.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(5), Load("postgres", "local", "backup: { archive: /var/tmp/a, archive_timeout: 5s }").Archive!.Timeout);
    }

    [Fact]
    public void A_docker_environments_containers_mount_the_archive_at_its_own_path_and_a_replaying_scratch_node_mounts_it_read_only()
    {
        var env = Load("postgres", "docker", "backup: { archive: /var/tmp/a }");

        var mount = Orchestrator.Hosts.Docker.DockerResources.ArchiveMount(env)!;
        Assert.Equal(("/var/tmp/a", "/var/tmp/a", false), (mount.Source, mount.Target, mount.ReadOnly == true));
        var replaying = Orchestrator.Hosts.Docker.DockerResources.ArchiveMount(Load("postgres", "docker", "") with { ReplaysArchive = "/var/tmp/a" })!;
        Assert.Equal(("/var/tmp/a", true), (replaying.Target, replaying.ReadOnly == true));
        Assert.Null(Orchestrator.Hosts.Docker.DockerResources.ArchiveMount(Load("postgres", "docker", "")));
        Assert.Equal("/var/tmp/a", Load("mariadb", "docker", "backup: { archive: /var/tmp/a }").Archive?.Directory);
    }

    [Theory]
    [InlineData("postgres", "external", "backup: { archive: a }", "an external environment's archiving is its operator's")]
    [InlineData("postgres", "local", "backup: { archive: \"it's\" }", "without quotes")]
    [InlineData("postgres", "local", "backup: { archive: \"a$b\" }", "without quotes")]
    [InlineData("postgres", "local", "backup: { archive: a, archive_timeout: 2h }", "archive_timeout '2h' is out of range")]
    [InlineData("postgres", "local", "backup: { archive_timeout: 5s }", "give backup.archive too")]
    public void Archiving_where_it_cannot_run_or_with_a_bad_value_is_bad_input(string engine, string provider, string backup, string expected)
    {
        var error = Assert.Throws<InvalidEnvironmentException>(() => Load(engine, provider, backup));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static EnvironmentDefinition Load(string engine, string provider, string backup) => TestEnvironments.FromYaml(
        $"""
        name: t
        engine: {engine}
        provider: {provider}
        database: app
        {backup}
        nodes:
          - {"{"} name: primary, role: primary, port: 5432 {"}"}
        """);
}
