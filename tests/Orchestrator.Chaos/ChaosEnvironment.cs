using System.Globalization;
using Orchestrator.Data;
using Orchestrator.Engines;
using Orchestrator.Environments;
using Orchestrator.Hosts.Local;
using Orchestrator.Servers;
using Orchestrator.State;

namespace Orchestrator.Chaos;

/// <summary>
/// The campaign's environment: a primary, replica-1 (direct, synchronous) and replica-2 (direct,
/// asynchronous) in a work folder of its own, with the sample migrations. Brought up once and
/// reused by the next run when the previous one left it healthy; otherwise purged and brought up
/// again. Disposal purges it and deletes the folder.
/// </summary>
internal sealed class ChaosEnvironment : IAsyncDisposable
{
    public const string WritesTable = "chaos_writes";
    public const string ProbeTable = "chaos_probe";

    private readonly IEngine _engine;
    private readonly EnvironmentHealth _health;
    private EnvironmentCredentials? _credentials;
    private bool _started;

    private ChaosEnvironment(string workDir, string file, string cliDll)
    {
        WorkDir = workDir;
        File = file;
        CliDll = cliDll;
        Definition = EnvironmentLoader.LoadOrThrow(file);
        _engine = EngineRegistry.For(Definition.Engine);
        State = new StateLayout(Path.Combine(workDir, Definition.Name));
        Faults = Definition.Provider == ProviderKind.Docker ? new DockerNodeFaults(Definition) : new LocalNodeFaults(Definition, State);
        _health = new EnvironmentHealth(this);
    }

    public string WorkDir { get; }

    public string File { get; }

    public string CliDll { get; }

    public EnvironmentDefinition Definition { get; }

    public StateLayout State { get; }

    public INodeFaults Faults { get; }

    public IReadOnlyList<string> Nodes => Definition.Nodes.Select(n => n.Name).ToList();

    /// <summary>The schema version the setup's migrate left on the primary, which every node must show after every run.</summary>
    public long? SchemaVersion { get; private set; }

    /// <summary>
    /// The command line as users run it: the precompiled publish (scripts/publish-cli.sh, run by
    /// setup) when it is at least as new as the build, since failover times count its start-up;
    /// the build's output otherwise.
    /// </summary>
    private static string CommandLine(string repositoryRoot, string configuration)
    {
        var built = Path.Combine(repositoryRoot, "src", "Orchestrator.Cli", "bin", configuration, "net10.0");
        var published = Path.Combine(repositoryRoot, "artifacts", "cli");
        static DateTime Written(string folder) => System.IO.File.GetLastWriteTimeUtc(Path.Combine(folder, "Orchestrator.dll"));
        var current = System.IO.File.Exists(Path.Combine(published, "Orchestrator.Cli.dll")) && Written(published) >= Written(built);
        return Path.Combine(current ? published : built, "Orchestrator.Cli.dll");
    }

    /// <summary>Writes the environment file into a new work folder; nothing runs yet.</summary>
    public static ChaosEnvironment Write(ChaosOptions options, string repositoryRoot, string configuration)
    {
        var workDir = Directory.CreateTempSubdirectory("orch-chaos-").FullName;

        // The servers run as an unprivileged user who must be able to enter the folder.
        System.IO.File.SetUnixFileMode(workDir, (UnixFileMode)Convert.ToInt32("755", 8));
        var name = $"chaos-{Path.GetFileName(workDir)[^6..].ToLowerInvariant()}";
        var ports = new HashSet<int>();
        for (var i = 0; i < 3; i++)
        {
            ports.Add(PortProbe.FreePort(ports));
        }

        var port = ports.ToArray();
        var migrations = Path.Combine(repositoryRoot, "migrations", "Sample", "bin", configuration, "net10.0", "Sample.dll");
        var docker = options.Provider == ProviderKind.Docker
            ? $"provider: docker\nimage: {(options.Engine == EngineKind.Postgres ? "orchestrator/postgres:15" : "orchestrator/mariadb:10.11")}"
            : "provider: local";
        var file = Path.Combine(workDir, "chaos.yaml");
        System.IO.File.WriteAllText(file, string.Create(CultureInfo.InvariantCulture, $$"""
            name: {{name}}
            engine: {{options.EngineName}}
            {{docker}}
            database: app
            migrations:
              assembly: {{migrations}}
              tags: [local]
            access:
              allow: [127.0.0.1/32]
            replication:
              replay_timeout: 30s
            nodes:
              - { name: primary,   role: primary, host: 127.0.0.1, port: {{port[0]}} }
              - { name: replica-1, role: replica, source: primary, host: 127.0.0.1, port: {{port[1]}}, sync: true }
              - { name: replica-2, role: replica, source: primary, host: 127.0.0.1, port: {{port[2]}} }

            """));
        try
        {
            return new ChaosEnvironment(workDir, file, CommandLine(repositoryRoot, configuration));
        }
        catch (InvalidEnvironmentException e)
        {
            // MariaDB's sync: true waits for semi-synchronous replication: until the tool has it, the file is refused.
            Directory.Delete(workDir, recursive: true);
            throw new ChaosSetupException($"the campaign's environment file ({options.EngineName}, {options.ProviderName}, replica-1 with sync: true) is refused:\n{e.Message}");
        }
    }

    public Task<IDbSession> ConnectAsync(string node, CancellationToken cancellationToken)
    {
        _credentials ??= CredentialStore.Resolve(Definition, State, create: false);
        return _engine.ConnectAsync(_engine.AdminTarget(Definition.Node(node), _credentials, Definition.Database), cancellationToken);
    }

    /// <summary>Makes the environment ready for a run: reused when healthy (switched back to the file's primary), else purged and brought up again; then empty tables.</summary>
    public async Task PrepareAsync(ChaosCli cli)
    {
        if (!_started)
        {
            await BringUpAsync(cli);
        }
        else if (await _health.ReusableAsync(cli) is { } problem)
        {
            cli.Transcript.Note($"the environment cannot be reused ({problem}): purging it and bringing it up again");
            await PurgeAsync(cli);
            await BringUpAsync(cli);
        }
        else
        {
            cli.Transcript.Note("reusing the environment the previous run left healthy");
        }

        await ResetTablesAsync(cli.Transcript);
    }

    /// <summary>`down --purge` through the command line; what it leaves behind is removed by force.</summary>
    public async Task PurgeAsync(ChaosCli cli)
    {
        _started = false;
        _credentials = null;
        var down = await cli.RunAsync("down", "-e", File, "--purge");
        if (down.ExitCode != 0)
        {
            foreach (var pid in ProcessTable.WorkingIn(WorkDir))
            {
                Libc.Kill(pid, Libc.SigKill);
            }

            if (Definition.Provider == ProviderKind.Docker)
            {
                await DockerLeftovers.RemoveAsync(Definition);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        var transcript = new RunTranscript(System.Diagnostics.Stopwatch.StartNew());
        try
        {
            await PurgeAsync(new ChaosCli(CliDll, WorkDir, System.Diagnostics.Stopwatch.StartNew(), transcript));
        }
        finally
        {
            Directory.Delete(WorkDir, recursive: true);
        }
    }

    private async Task BringUpAsync(ChaosCli cli)
    {
        var validate = await cli.RunAsync("validate", "-e", File);
        if (validate.ExitCode != 0)
        {
            throw new ChaosSetupException($"'orchestrator validate' refused the campaign's environment file ({Definition.Engine}, {Definition.Provider}, replica-1 with sync: true):\n{validate.StandardError}{validate.StandardOutput}");
        }

        _started = true;
        foreach (var step in new[] { new[] { "up", "-e", File }, ["migrate", "-e", File] })
        {
            var result = await cli.RunAsync(step);
            if (result.ExitCode != 0)
            {
                throw new ChaosSetupException($"'orchestrator {result.Display}' failed (exit {result.ExitCode}):\n{result.StandardError}{result.StandardOutput}");
            }
        }

        var (status, problem) = await _health.WaitHealthyAsync(cli, TimeSpan.FromSeconds(60));
        var primary = status?.Nodes.FirstOrDefault(n => n.Name == Definition.Primary.Name);
        if (problem is not null || primary?.SchemaVersion is null)
        {
            throw new ChaosSetupException($"the environment is not healthy after up and migrate: {problem ?? "the primary shows no schema version"}");
        }

        SchemaVersion = primary.SchemaVersion;
    }

    private async Task ResetTablesAsync(RunTranscript transcript)
    {
        await using (var session = await ConnectAsync(Definition.Primary.Name, CancellationToken.None))
        {
            await session.ExecuteAsync($"DROP TABLE IF EXISTS {WritesTable}");
            await session.ExecuteAsync($"CREATE TABLE {WritesTable} (id bigint PRIMARY KEY)");
            await session.ExecuteAsync($"CREATE TABLE IF NOT EXISTS {ProbeTable} (id int PRIMARY KEY)");
        }

        foreach (var replica in Definition.Replicas)
        {
            await Poll.UntilAsync(
                async () =>
                {
                    try
                    {
                        await using var session = await ConnectAsync(replica.Name, CancellationToken.None);
                        var rows = await session.QueryAsync($"SELECT (SELECT COUNT(*) FROM {WritesTable}) + (SELECT COUNT(*) FROM {ProbeTable}) AS n");
                        return rows.Single().GetInt64("n") == 0;
                    }
                    catch (DatabaseException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(30),
                () => $"'{replica.Name}' did not replay the emptied tables within 30 s",
                CancellationToken.None);
        }

        transcript.Note($"tables {WritesTable} and {ProbeTable} are empty on every node");
    }
}

/// <summary>The environment could not be brought up as the campaign needs it: no run can start.</summary>
internal sealed class ChaosSetupException(string message) : Exception(message);
