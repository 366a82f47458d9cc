using System.Globalization;
using System.Text;
using Orchestrator.Composition;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Hosts;
using Orchestrator.Hosts.Docker;
using Orchestrator.Hosts.Local;
using Orchestrator.Processes;
using Orchestrator.Progress;
using Orchestrator.Servers;
using Orchestrator.State;
using Orchestrator.Topology;
using Orchestrator.Engines;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// A primary, a replica and a cascading replica of one engine, on ports picked for this test
/// run, in a temporary directory: on this machine, or in containers (provider docker). Disposal
/// stops the servers and deletes everything, after copying a local topology's server logs to the
/// test output folder for whoever reads a failure.
/// </summary>
internal sealed class TestTopology : ITestNodes, IAsyncDisposable
{
    private TestTopology(EngineKind engine, string directory, string file)
    {
        Engine = engine;
        Directory = directory;
        File = file;
        Environment = EnvironmentLoader.LoadOrThrow(file);
    }

    public EngineKind Engine { get; }

    public ProviderKind Provider => Environment.Provider;

    public string Directory { get; }

    /// <summary>The environment file, as a user would pass it with -e.</summary>
    public string File { get; }

    public string StateDir => Path.Combine(Directory, "state");

    public EnvironmentDefinition Environment { get; private set; }

    /// <summary>Reads the environment file again, after a test changed it.</summary>
    public void Reload() => Environment = EnvironmentLoader.LoadOrThrow(File);

    public IEngine EngineImpl => EngineRegistry.For(Engine);

    public StateLayout State => new(StateDir);

    public EnvironmentCredentials Credentials => CredentialStore.Resolve(Environment, State, create: false);

    /// <summary>Writes the environment file and brings it up.</summary>
    /// <param name="tls">The file's tls value; none (verify-full, the default) unless given.</param>
    /// <param name="archive">The file's backup.archive (relative to the topology's directory); none unless given.</param>
    public static async Task<TestTopology> StartAsync(EngineKind engine, string name, bool syncReplica = false, ProviderKind provider = ProviderKind.Local, string? tls = null, string? archive = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"orch-it-{name}-").FullName;
        var docker = provider == ProviderKind.Docker;
        if (docker)
        {
            // Container names are the environment's: another run's leftovers must not meet them.
            name = $"{name}-{Path.GetFileName(directory)[^6..].ToLowerInvariant()}";
        }

        // The servers run as an unprivileged user who must be able to enter this directory.
        System.IO.File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
        var ports = FreePorts.Take(3);
        var yaml = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"name: {name}")
            .AppendLine(CultureInfo.InvariantCulture, $"engine: {(engine == EngineKind.Postgres ? "postgres" : "mariadb")}")
            .AppendLine(docker ? $"provider: docker\nimage: {DockerTestEnvironment.ImageOf(engine)}" : "provider: local")
            .AppendLine("database: app")
            .Append(tls is null ? "" : $"tls: {tls}\n")
            .Append(archive is null ? "" : $"backup:\n  archive: {archive}\n")
            .AppendLine("access:")
            .AppendLine("  allow: [127.0.0.1/32]")
            .AppendLine("replication:")
            .AppendLine("  replay_timeout: 60s")
            .AppendLine("nodes:")
            .AppendLine(CultureInfo.InvariantCulture, $"  - {{ name: primary,   role: primary, host: 127.0.0.1, port: {ports[0]} }}")
            .AppendLine(CultureInfo.InvariantCulture, $"  - {{ name: replica-1, role: replica, source: primary,   port: {ports[1]}{(syncReplica ? ", sync: true" : "")} }}")
            .AppendLine(CultureInfo.InvariantCulture, $"  - {{ name: replica-2, role: replica, source: replica-1, port: {ports[2]} }}")
            .ToString();
        var file = Path.Combine(directory, $"{name}.yaml");
        await System.IO.File.WriteAllTextAsync(file, yaml);
        var topology = new TestTopology(engine, directory, file);
        try
        {
            await topology.UpAsync();
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }

        return topology;
    }

    public Task<UpOutcome> UpAsync() =>
        new LocalTopology(CompositionRoot.Open(Environment, StateDir, SilentProgress.Instance)).UpAsync(CancellationToken.None);

    public Task<DownOutcome> DownAsync(bool purge = false) =>
        new LocalTopology(CompositionRoot.Open(Environment, StateDir, SilentProgress.Instance)).DownAsync(purge, CancellationToken.None);

    /// <summary>The topology operations (switchover, failover, rejoin, rebuild) on this environment, reading its live shape afresh.</summary>
    public LocalTopology Local() => new(CompositionRoot.Open(Environment, StateDir, SilentProgress.Instance));

    public Task<IDbSession> ConnectAsync(string node, string? database = "app") =>
        EngineImpl.ConnectAsync(EngineImpl.AdminTarget(Environment.Node(node), Credentials, database), CancellationToken.None);

    public Task<EnvironmentStatus> StatusAsync() => StatusReader.ReadAsync(CompositionRoot.Open(Environment, StateDir, SilentProgress.Instance), CancellationToken.None);

    /// <summary>
    /// Writes another environment file for this topology's servers that targets
    /// <paramref name="database"/> and selects <paramref name="tags"/> of the given migrations.
    /// </summary>
    public string WriteMigrationEnvironment(string database, string migrationsKey, string migrationsPath, params string[] tags) =>
        WriteMigrationEnvironment(database, migrationsKey, migrationsPath, tags, []);

    /// <summary>This topology's environment file for a database of its own, with no migrations section (a program passes its migrations itself).</summary>
    public string WriteEnvironment(string database)
    {
        var lines = System.IO.File.ReadAllLines(File).ToList();
        if (Provider == ProviderKind.Local)
        {
            lines[lines.FindIndex(l => l.StartsWith("name:", StringComparison.Ordinal))] = $"name: {database.Replace('_', '-')}";
        }

        lines[lines.FindIndex(l => l.StartsWith("database:", StringComparison.Ordinal))] = $"database: {database}";
        var path = Path.Combine(Directory, $"{database}.yaml");
        System.IO.File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>As above, with more keys of the migrations section, such as "profile: dev".</summary>
    public string WriteMigrationEnvironment(string database, string migrationsKey, string migrationsPath, IReadOnlyList<string> tags, IReadOnlyList<string> settings)
    {
        var lines = System.IO.File.ReadAllLines(File).ToList();
        if (Provider == ProviderKind.Local)
        {
            // A docker environment's name is its containers' (the same servers keep it).
            lines[lines.FindIndex(l => l.StartsWith("name:", StringComparison.Ordinal))] = $"name: {database.Replace('_', '-')}";
        }

        lines[lines.FindIndex(l => l.StartsWith("database:", StringComparison.Ordinal))] = $"database: {database}";
        lines.Insert(4, "migrations:");
        lines.Insert(5, $"  {migrationsKey}: {migrationsPath}");
        lines.Insert(6, $"  tags: [{string.Join(", ", tags)}]");
        lines.InsertRange(7, settings.Select(s => $"  {s}"));
        var path = Path.Combine(Directory, $"{database}.yaml");
        System.IO.File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>
    /// Writes a provider: external environment for this topology's servers, as a team would for
    /// servers it did not start: passwords by ${file:...}, the migrations, and a database.
    /// </summary>
    /// <param name="tlsCa">A tls_ca line's file, the CA the servers' certificates are checked against.</param>
    public string WriteExternalEnvironment(string database, string assembly, string tag, string tls = "prefer", string? tlsCa = null)
    {
        var credentials = Credentials;
        var secrets = Path.Combine(Directory, $"secrets-{database}");
        System.IO.Directory.CreateDirectory(secrets);
        System.IO.File.WriteAllText(Path.Combine(secrets, "admin"), credentials.AdminPassword.Reveal());
        System.IO.File.WriteAllText(Path.Combine(secrets, "replication"), credentials.RequiredReplicationPassword().Reveal());
        var nodes = string.Join("\n", Environment.Nodes.Select(n =>
            $"  - {{ name: {n.Name}, role: {(n.Role == NodeRole.Primary ? "primary" : "replica")}, host: {n.Host}, port: {n.Port}{(n.Source is null ? "" : $", source: {n.Source}")} }}"));
        var path = Path.Combine(Directory, $"external-{database}-{tls}{(tlsCa is null ? "" : "-ca")}.yaml");
        System.IO.File.WriteAllText(path, $$"""
            name: external-{{database}}
            engine: {{(Engine == EngineKind.Postgres ? "postgres" : "mariadb")}}
            provider: external
            tls: {{tls}}{{(tlsCa is null ? "" : $"\ntls_ca: \"${{file:{tlsCa}}}\"")}}
            database: {{database}}
            migrations:
              assembly: {{assembly}}
              tags: [{{tag}}]
            credentials:
              admin:       { user: {{credentials.AdminUser}}, password: "${file:secrets-{{database}}/admin}" }
              replication: { user: {{credentials.ReplicationUser}}, password: "${file:secrets-{{database}}/replication}" }
            nodes:
            {{nodes}}
            """);
        return path;
    }

    /// <summary>An ADO.NET connection string to a node's database as the admin, for FluentMigrator's own runner.</summary>
    public string ConnectionString(string node, string database)
    {
        var definition = Environment.Node(node);
        var credentials = Credentials;
        return Engine == EngineKind.Postgres
            ? $"Host={definition.Host};Port={definition.Port};Username={credentials.AdminUser};Password={credentials.AdminPassword.Reveal()};Database={database};Pooling=false"
            : $"Server={definition.Host};Port={definition.Port};User ID={credentials.AdminUser};Password={credentials.AdminPassword.Reveal()};Database={database};Pooling=false;SslMode=Required";
    }

    /// <summary>The operating-system process id of a node's running server on this machine, read from its pid file.</summary>
    public int ServerPid(string node)
    {
        var definition = Environment.Node(node);
        var pidFile = Engine == EngineKind.Postgres
            ? Path.Combine(State.DataDir(definition), "postmaster.pid")
            : Path.Combine(State.NodeDir(definition), "mariadbd.pid");
        return int.Parse(System.IO.File.ReadLines(pidFile).First().Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>The nodes' host as the tool sees it (this machine, or the containers), for what a test does to a server behind the tool's back.</summary>
    public async Task<(INodeHost Host, IDisposable Hosting)> HostAsync()
    {
        INodeHosting hosting = Provider == ProviderKind.Docker
            ? new DockerNodeHosting(Environment, State, EngineImpl.Descriptor.Server!, SilentProgress.Instance)
            : new LocalNodeHosting(State, await ServiceUser.ResolveAsync(EngineImpl.Descriptor.Server!.OsUser, CancellationToken.None));
        return (await hosting.OpenAsync(create: false, CancellationToken.None), hosting);
    }

    /// <summary>A node's whole server log, from its host.</summary>
    public async Task<string> ServerLogAsync(string node)
    {
        var (host, hosting) = await HostAsync();
        using (hosting)
        {
            var definition = Environment.Node(node);
            return await host.ReadFileAsync(definition, host.Paths(definition).LogFile, CancellationToken.None) ?? "";
        }
    }

    /// <summary>Kills a node's server with SIGKILL on its host (this machine, or its container), and waits until it is gone.</summary>
    public async Task KillServerAsync(string node)
    {
        var (host, hosting) = await HostAsync();
        using (hosting)
        {
            var definition = Environment.Node(node);
            var paths = host.Paths(definition);
            var pidFile = Engine == EngineKind.Postgres ? paths.InData("postmaster.pid") : paths.InNode("mariadbd.pid");
            var pid = int.Parse((await host.ReadFileAsync(definition, pidFile, CancellationToken.None))!.Split('\n')[0].Trim(), CultureInfo.InvariantCulture);
            await host.SignalAsync(definition, pid, ProcessSignal.Kill, CancellationToken.None);
            await EventuallyAsync(async () => !await host.ProcessExistsAsync(definition, pid, CancellationToken.None), $"the killed server of '{node}' is gone");
        }
    }

    /// <summary>
    /// Starts a node's server the way a person or a host's init script might, bypassing the
    /// tool: the server binary with only the node's own files (PostgreSQL's data directory,
    /// MariaDB's option file). Disposing the handle stops it again.
    /// </summary>
    public async Task<IAsyncDisposable> StartBypassingToolAsync(string node)
    {
        var definition = Environment.Node(node);
        var user = await ServiceUser.ResolveAsync(EngineImpl.Descriptor.Server!.OsUser, CancellationToken.None);
        ProcessSpec spec;
        if (Engine == EngineKind.Postgres)
        {
            var bin = (await ProcessRunner.RunCheckedAsync(new ProcessSpec("pg_config", ["--bindir"]), CancellationToken.None)).StandardOutput.Trim();
            spec = new ProcessSpec(Path.Combine(bin, "postgres"), ["-D", State.DataDir(definition)]);
        }
        else
        {
            var mariadbd = new[] { "/usr/sbin/mariadbd", "/usr/bin/mariadbd" }.First(System.IO.File.Exists);
            spec = new ProcessSpec(mariadbd, [$"--defaults-file={Path.Combine(State.NodeDir(definition), "my.cnf")}"]);
        }

        var log = Path.Combine(Directory, $"{node}-bypassing-the-tool.log");
        await ProcessRunner.StartDetachedAsync(spec with { RunAs = user.RunAs }, log, CancellationToken.None);
        try
        {
            await EventuallyAsync(
                async () =>
                {
                    await using var session = await ConnectAsync(node, database: null);
                    return true;
                },
                $"'{node}', started bypassing the tool, accepts connections");
        }
        catch (LocalProviderException e)
        {
            throw new InvalidOperationException($"{e.Message}; its output:\n{(System.IO.File.Exists(log) ? await System.IO.File.ReadAllTextAsync(log) : "(none)")}", e);
        }

        return new DirectlyStartedServer(this, node);
    }

    private sealed class DirectlyStartedServer(TestTopology topology, string node) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            var pid = topology.ServerPid(node);
            Libc.Kill(pid, Libc.SigTerm);
            await Poll.UntilAsync(() => Task.FromResult(!Libc.ProcessExists(pid)), TimeSpan.FromSeconds(60), () => $"'{node}' (pid {pid}) did not stop", CancellationToken.None);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing the test after a generous timeout.</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what) =>
        Poll.UntilAsync(
            async () =>
            {
                try
                {
                    return await condition();
                }
                catch (DatabaseException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            () => $"timed out waiting until {what}",
            CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        try
        {
            KeepLogs();
            if (System.IO.Directory.Exists(StateDir) || Provider == ProviderKind.Docker)
            {
                await DownAsync(purge: true);
            }

            if (Provider == ProviderKind.Docker)
            {
                await DockerTestEnvironment.RemoveOwnedAsync(Environment);
            }
        }
        catch (Exception e)
        {
            // Never hide the test's own failure behind a cleanup failure; make sure nothing keeps running.
            await Console.Error.WriteLineAsync($"clean shutdown of {Directory} failed, killing its servers: {e.Message}");
            foreach (var pid in ProcessTable.WorkingIn(Directory))
            {
                Libc.Kill(pid, Libc.SigKill);
            }
        }
        finally
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
    }

    private void KeepLogs()
    {
        if (!System.IO.Directory.Exists(StateDir))
        {
            return;
        }

        var target = Path.Combine(AppContext.BaseDirectory, "server-logs", Path.GetFileName(Directory));
        System.IO.Directory.CreateDirectory(target);
        foreach (var node in Environment.Nodes)
        {
            var log = State.LogFile(node);
            if (System.IO.File.Exists(log))
            {
                System.IO.File.Copy(log, Path.Combine(target, $"{node.Name}.log"), overwrite: true);
            }
        }
    }
}
