using Orchestrator.Composition;
using Orchestrator.Environments;
using Orchestrator.Progress;
using Orchestrator.Replication;
using Orchestrator.State;

namespace Orchestrator.Tests.Environments;

/// <summary>
/// A SQLite environment is an engine without servers on this machine: provider local, its
/// database file a property of the definition, and nothing that would make the tool keep
/// servers or a state directory for it.
/// </summary>
public sealed class SqliteEnvironmentTests
{
    private static readonly string DevSqlite = Path.Combine(RepositoryPaths.Environments, "dev-sqlite.yaml");

    [Fact]
    public void Dev_sqlite_yaml_is_a_local_database_file_whose_location_is_the_file_key()
    {
        var env = EnvironmentLoader.LoadOrThrow(DevSqlite, _ => null);

        Assert.Equal(EngineKind.Sqlite, env.Engine);
        Assert.Equal(ProviderKind.Local, env.Provider);
        var file = Assert.IsType<DatabaseFile>(env.DatabaseFile);
        Assert.Equal(Path.GetFullPath(Path.Combine(RepositoryPaths.Environments, "..", ".orchestrator", "dev-sqlite", "dev.db")), file.Path);
        Assert.Equal((7, 7), (file.Location.Line, file.Location.Column));
        Assert.EndsWith("dev-sqlite.yaml", file.Location.File, StringComparison.Ordinal);
    }

    [Fact]
    public void The_one_node_stands_for_the_file_and_has_no_server_address()
    {
        var env = EnvironmentLoader.LoadOrThrow(DevSqlite, _ => null);

        var node = Assert.Single(env.Nodes);
        Assert.Same(env.DatabaseFile, node.File);
        Assert.Equal(env.DatabaseFile!.Path, node.Endpoint);
        Assert.Equal(NodeRole.Primary, node.Role);
        Assert.Equal("", node.Host);
    }

    [Fact]
    public void The_tool_runs_no_servers_and_keeps_no_state_for_a_file_though_its_provider_is_local()
    {
        var env = EnvironmentLoader.LoadOrThrow(DevSqlite, _ => null);
        var context = CompositionRoot.Open(env, stateDir: null, SilentProgress.Instance);

        Assert.False(env.RunsServers);
        Assert.Null(context.State);
        Assert.Null(context.Engine.Descriptor.Server);
        Assert.False(context.Engine.RunsServers);
    }

    [Fact]
    public void Local_and_docker_servers_are_run_by_the_tool_and_external_ones_are_not()
    {
        var local = EnvironmentLoader.LoadOrThrow(Path.Combine(RepositoryPaths.Environments, "local.yaml"), _ => null);
        var docker = EnvironmentLoader.LoadOrThrow(Path.Combine(RepositoryPaths.Environments, "docker.yaml"), _ => null);
        var external = EnvironmentLoader.LoadOrThrow(Path.Combine(RepositoryPaths.Environments, "production.example.yaml"), _ => null);

        Assert.Equal((true, true, false), (local.RunsServers, docker.RunsServers, external.RunsServers));
        Assert.All(new[] { local, docker, external }, e => Assert.Null(e.DatabaseFile));
        Assert.Equal("127.0.0.1:55432", local.Primary.Endpoint);
    }

    [Fact]
    public void The_engine_opens_the_file_and_refuses_a_server_node()
    {
        var env = EnvironmentLoader.LoadOrThrow(DevSqlite, _ => null);
        var local = EnvironmentLoader.LoadOrThrow(Path.Combine(RepositoryPaths.Environments, "local.yaml"), _ => null);
        var engine = CompositionRoot.Open(env, stateDir: null, SilentProgress.Instance).Engine;
        var none = new EnvironmentCredentials("", env.Admin.Password!, "", null);

        var target = engine.AdminTarget(env.Primary, none, env.Database);

        Assert.Equal(env.DatabaseFile!.Path, target.File);
        Assert.Equal(env.DatabaseFile.Path, target.ToString());
        Assert.Equal("main", target.Database);
        var refused = Assert.Throws<ArgumentException>(() => engine.AdminTarget(local.Primary, none));
        Assert.Equal("node", refused.ParamName);
        Assert.Contains(local.Primary.Endpoint, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Commands_that_need_servers_name_the_file_and_the_engine()
    {
        var env = EnvironmentLoader.LoadOrThrow(DevSqlite, _ => null);

        var message = new ExternalEnvironmentException(env).Message;

        Assert.Contains(env.DatabaseFile!.Path, message, StringComparison.Ordinal);
        Assert.Contains("engine sqlite", message, StringComparison.Ordinal);
    }
}
