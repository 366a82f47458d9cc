using System.Globalization;
using System.Text;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Hosts.Local;
using Orchestrator.State;
using Orchestrator.Engines;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// Four shards of a primary and a replica each, archiving into ARCHIVE/SHARD, brought up with the
/// command line (so in parallel, as a user would) and shared by the tests of a collection; each
/// test migrates a database of its own.
/// </summary>
public abstract class ShardedTopologyFixture : IAsyncLifetime
{
    private readonly EngineKind _engine;

    private protected ShardedTopologyFixture(EngineKind engine)
    {
        _engine = engine;
    }

    public const int ShardCount = 4;

    private string? _directory;

    public TestDialect Dialect => _engine == EngineKind.Postgres ? TestDialect.Postgres : TestDialect.MariaDb;

    public string Directory => _directory ?? throw new InvalidOperationException("the shards did not start");

    public string StateDir => Path.Combine(Directory, "state");

    public string File => Path.Combine(Directory, "shards.yaml");

    internal EnvironmentDefinition Environment => EnvironmentLoader.LoadOrThrow(File);

    public static IReadOnlyList<string> Shards { get; } = Enumerable.Range(1, ShardCount).Select(n => $"shard-{n}").ToList();

    public async Task InitializeAsync()
    {
        _directory = System.IO.Directory.CreateTempSubdirectory($"orch-it-shards-{_engine.ToString().ToLowerInvariant()}-").FullName;
        System.IO.File.SetUnixFileMode(_directory, (UnixFileMode)Convert.ToInt32("755", 8));
        var ports = FreePorts.Take(ShardCount * 2);
        var yaml = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"name: shards-{_engine.ToString().ToLowerInvariant()}")
            .AppendLine(CultureInfo.InvariantCulture, $"engine: {(_engine == EngineKind.Postgres ? "postgres" : "mariadb")}")
            .AppendLine("provider: local")
            .AppendLine("database: app")
            .AppendLine("access:")
            .AppendLine("  allow: [127.0.0.1/32]")
            .AppendLine("replication:")
            .AppendLine("  replay_timeout: 5s")
            .AppendLine("backup:")
            .AppendLine("  archive: archive")
            .AppendLine("shards:");
        for (var i = 0; i < ShardCount; i++)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  - name: {Shards[i]}")
                .AppendLine("    nodes:")
                .AppendLine(CultureInfo.InvariantCulture, $"      - {{ name: primary, role: primary, host: 127.0.0.1, port: {ports[2 * i]} }}")
                .AppendLine(CultureInfo.InvariantCulture, $"      - {{ name: replica, role: replica, source: primary, port: {ports[(2 * i) + 1]} }}");
        }

        await System.IO.File.WriteAllTextAsync(File, yaml.ToString());
        var (exitCode, output) = await CliRunner.RunAsync("up", "-e", File, "--state-dir", StateDir);
        if (exitCode != 0)
        {
            await DisposeAsync();
            throw new InvalidOperationException($"up of the shards failed (exit {exitCode}):\n{output}");
        }
    }

    /// <summary>The shards' environment file for a database of its own, with the test migrations of a tag.</summary>
    public string WriteEnvironment(string database, string tag)
    {
        var lines = System.IO.File.ReadAllLines(File).ToList();
        lines[lines.FindIndex(l => l.StartsWith("database:", StringComparison.Ordinal))] = $"database: {database}";
        lines.InsertRange(4, ["migrations:", $"  assembly: {BuiltArtifacts.TestMigrations}", $"  tags: [{tag}]"]);
        var path = Path.Combine(Directory, $"{database}.yaml");
        System.IO.File.WriteAllLines(path, lines);
        return path;
    }

    internal EngineKind Engine => _engine;

    /// <summary>The admin account of a shard, as the tool resolves it.</summary>
    internal EnvironmentCredentials Credentials(string shard)
    {
        var environment = Environment.Shard(shard);
        return CredentialStore.Resolve(environment, StateLayout.For(environment, StateDir), create: false);
    }

    internal Task<IDbSession> ConnectAsync(string shard, string node, string? database)
    {
        var environment = Environment.Shard(shard);
        var engineImpl = EngineRegistry.For(_engine);
        var credentials = CredentialStore.Resolve(environment, StateLayout.For(environment, StateDir), create: false);
        return engineImpl.ConnectAsync(engineImpl.AdminTarget(environment.Node(node), credentials, database), CancellationToken.None);
    }

    /// <summary>Kills a node's server outright, as a crash would.</summary>
    public void Kill(string shard, string node)
    {
        var environment = Environment.Shard(shard);
        var state = StateLayout.For(environment, StateDir);
        var definition = environment.Node(node);
        var pidFile = _engine == EngineKind.Postgres ? Path.Combine(state.DataDir(definition), "postmaster.pid") : Path.Combine(state.NodeDir(definition), "mariadbd.pid");
        var pid = int.Parse(System.IO.File.ReadLines(pidFile).First().Trim(), CultureInfo.InvariantCulture);
        Libc.Kill(pid, Libc.SigKill);
        Poll.UntilAsync(() => Task.FromResult(!Libc.ProcessExists(pid)), TimeSpan.FromSeconds(30), () => $"{shard}/{node} (pid {pid}) did not die", CancellationToken.None).GetAwaiter().GetResult();
    }

    public async Task DisposeAsync()
    {
        if (_directory is null)
        {
            return;
        }

        try
        {
            var (exitCode, output) = await CliRunner.RunAsync("down", "-e", File, "--state-dir", StateDir, "--purge");
            if (exitCode != 0 || System.IO.Directory.Exists(StateDir))
            {
                throw new InvalidOperationException($"down --purge of the shards exited {exitCode} and left {(System.IO.Directory.Exists(StateDir) ? StateDir : "nothing")}:\n{output}");
            }
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"clean shutdown of {_directory} failed, killing its servers: {e.Message}");
            foreach (var pid in ProcessTable.WorkingIn(_directory))
            {
                Libc.Kill(pid, Libc.SigKill);
            }
        }
        finally
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
    }
}

public sealed class PostgresShardsFixture() : ShardedTopologyFixture(EngineKind.Postgres);

public sealed class MariaDbShardsFixture() : ShardedTopologyFixture(EngineKind.MariaDb);

[CollectionDefinition(Name)]
public sealed class PostgresShardsCollection : ICollectionFixture<PostgresShardsFixture>
{
    public const string Name = "postgres shards";
}

[CollectionDefinition(Name)]
public sealed class MariaDbShardsCollection : ICollectionFixture<MariaDbShardsFixture>
{
    public const string Name = "mariadb shards";
}
