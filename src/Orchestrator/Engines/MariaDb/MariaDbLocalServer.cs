using System.Globalization;
using System.Text.RegularExpressions;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Local;
using Orchestrator.Processes;
using Orchestrator.Topology;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// Installs, seeds, starts and stops MariaDB 10.11 servers under the state directory.
/// The tool's own setup work goes through each node's Unix socket as the OS user running
/// the tool (unix_socket authentication); everything else uses the TCP admin account.
/// </summary>
internal sealed partial class MariaDbLocalServer(MariaDbEngine engine, LocalContext context) : ILocalServer
{
    private static readonly string[] SystemDatabases = ["mysql", "information_schema", "performance_schema", "sys"];
    private MariaDbBinaries? _binaries;

    private MariaDbBinaries Binaries => _binaries ?? throw new InvalidOperationException("CheckPrerequisitesAsync must run first");

    private EnvironmentDefinition Environment => context.Environment;

    [GeneratedRegex(@"gtid_slave_pos\s*=\s*'(?<pos>[0-9,\-]*)'")]
    private static partial Regex DumpGtidPosition();

    public Task CheckPrerequisitesAsync(CancellationToken cancellationToken)
    {
        _binaries = MariaDbBinaries.Locate(Environment.Local);
        var socket = MariaDbConfigFiles.SocketPath(context.State.NodeDir(Environment.Nodes.OrderByDescending(n => n.Name.Length).First()));
        if (socket.Length > 100)
        {
            throw new LocalProviderException($"the state directory {context.State.Root} is too deep for a Unix socket path ({socket.Length} characters, the limit is 107); use a shorter --state-dir");
        }

        return Task.CompletedTask;
    }

    public Task<LocalNodeState> GetStateAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (!context.State.IsInitialized(node))
        {
            return Task.FromResult(LocalNodeState.NotInitialized);
        }

        var pid = ReadPid(node);
        if (pid is null)
        {
            return Task.FromResult(LocalNodeState.Stopped);
        }

        return Task.FromResult(IsServerProcess(pid.Value) ? LocalNodeState.Running : LocalNodeState.Crashed);
    }

    public async Task InitializePrimaryAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await InstallAsync(node, cancellationToken);
        await StartAsync(node, cancellationToken);
        await context.Progress.StepAsync(node.Name, "create accounts", async () =>
        {
            await using var session = await LocalRootSessionAsync(node, cancellationToken);
            await CreateAccountsAsync(session, cancellationToken);
        });
        context.State.MarkInitialized(node);
    }

    public async Task EnsureDatabaseAsync(NodeDefinition primary, CancellationToken cancellationToken)
    {
        await using var session = await engine.ConnectAsync(engine.AdminTarget(primary, context.Credentials), cancellationToken);
        if ((await session.QueryAsync("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [Environment.Database], cancellationToken)).Count == 0)
        {
            await context.Progress.StepAsync(primary.Name, $"create database '{Environment.Database}'", () =>
                session.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {MariaDbSql.Identifier(Environment.Database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", cancellationToken: cancellationToken));
        }
    }

    public async Task BootstrapReplicaAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken)
    {
        await InstallAsync(node, cancellationToken);
        await StartAsync(node, cancellationToken);
        await using (var session = await LocalRootSessionAsync(node, cancellationToken))
        {
            // Accounts are created on every node directly, kept out of the binary log so the
            // replica's own GTID history stays empty.
            await session.ExecuteAsync("SET SESSION sql_log_bin = 0", cancellationToken: cancellationToken);
            await CreateAccountsAsync(session, cancellationToken);
        }

        var position = "";
        await context.Progress.StepAsync(node.Name, $"seed from a consistent dump of {source.Name}", async () =>
            position = await SeedFromDumpAsync(node, source, cancellationToken));
        await context.Progress.StepAsync(node.Name, $"replicate from {source.Name} at GTID '{position}'", async () =>
        {
            await using var session = await LocalRootSessionAsync(node, cancellationToken);
            await session.ExecuteAsync("RESET MASTER", cancellationToken: cancellationToken);
            if (position.Length > 0)
            {
                // The node's own binary log starts where the dump ended, so a cascading replica
                // seeded from this node later can ask it for exactly that position.
                await session.ExecuteAsync("SET GLOBAL gtid_binlog_state = ?", [position], cancellationToken);
            }

            await session.ExecuteAsync("SET GLOBAL gtid_slave_pos = ?", [position], cancellationToken);
            await ChangeMasterAsync(session, source, demote: false, cancellationToken);
        });
        context.State.MarkInitialized(node);
    }

    public async Task StartAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await WriteConfigAsync(node, cancellationToken);
        await StartServerAsync(node, $"start on {node.Endpoint}", [], cancellationToken);
    }

    /// <summary>Starts mariadbd with the node's option file plus <paramref name="options"/>, and waits until its socket admits the tool.</summary>
    private async Task StartServerAsync(NodeDefinition node, string step, IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        await context.Progress.StepAsync(node.Name, step, async () =>
        {
            File.Delete(MariaDbConfigFiles.PidFile(context.State.NodeDir(node)));
            await ProcessRunner.StartDetachedAsync(
                new ProcessSpec(Binaries.Path("mariadbd"), [$"--defaults-file={ConfigFile(node)}", .. options]) { RunAs = context.User.RunAs },
                context.State.LogFile(node),
                cancellationToken);
            await Poll.UntilAsync(
                async () =>
                {
                    try
                    {
                        await using var session = await LocalRootSessionAsync(node, cancellationToken);
                        return true;
                    }
                    catch (DatabaseException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(120),
                () => $"node '{node.Name}' did not accept connections within 120 s; see {context.State.LogFile(node)}:\n{LogTail(node)}",
                cancellationToken);
        });
    }

    public async Task StopAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await context.Progress.StepAsync(node.Name, "stop (clean shutdown)", async () =>
        {
            if (ReadPid(node) is not { } pid || !IsServerProcess(pid))
            {
                return;
            }

            Libc.Kill(pid, Libc.SigTerm);
            await Poll.UntilAsync(
                () => Task.FromResult(!Libc.ProcessExists(pid)),
                TimeSpan.FromSeconds(120),
                () => $"node '{node.Name}' (pid {pid}) did not stop within 120 s; see {context.State.LogFile(node)}",
                cancellationToken);
        });
    }

    public async Task DiscardAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (ReadPid(node) is { } pid && IsServerProcess(pid))
        {
            Libc.Kill(pid, Libc.SigKill);
            await Poll.UntilAsync(() => Task.FromResult(!Libc.ProcessExists(pid)), TimeSpan.FromSeconds(30), () => $"node '{node.Name}' (pid {pid}) did not stop", cancellationToken);
        }
    }

    private async Task InstallAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var nodeDir = context.State.NodeDir(node);
        if (Directory.Exists(nodeDir))
        {
            // Setup never completed here (no marker), so nothing in it is worth keeping.
            Directory.Delete(nodeDir, recursive: true);
        }

        Directory.CreateDirectory(nodeDir);
        await WriteConfigAsync(node, cancellationToken);
        await context.User.TakeOwnershipAsync(nodeDir, cancellationToken);
        List<string> arguments = [
            $"--defaults-file={ConfigFile(node)}",
            $"--datadir={context.State.DataDir(node)}",
            "--auth-root-authentication-method=socket",
            $"--auth-root-socket-user={System.Environment.UserName}",
            "--skip-test-db",
        ];
        if (context.User.SwitchUser)
        {
            arguments.Add($"--user={context.User.Name}");
        }

        await context.Progress.StepAsync(node.Name, "mariadb-install-db", () =>
            ProcessRunner.RunCheckedAsync(new ProcessSpec(Binaries.Path("mariadb-install-db"), arguments) { WorkingDirectory = nodeDir }, cancellationToken));
    }

    private async Task CreateAccountsAsync(IDbSession session, CancellationToken cancellationToken)
    {
        foreach (var anonymous in await session.QueryAsync("SELECT Host FROM mysql.user WHERE User = ''", cancellationToken: cancellationToken))
        {
            await session.ExecuteAsync("DROP USER ''@?", [anonymous.GetString("Host")], cancellationToken);
        }

        var adminHash = NativePasswordHash.Compute(context.Credentials.AdminPassword.Reveal());
        foreach (var host in Environment.Allow.Select(MariaDbConfigFiles.HostPattern).Distinct())
        {
            await session.ExecuteAsync("CREATE OR REPLACE USER ?@? IDENTIFIED BY PASSWORD ?", [context.Credentials.AdminUser, host, adminHash], cancellationToken);
            await session.ExecuteAsync("GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION", [context.Credentials.AdminUser, host], cancellationToken);

            // Without READ_ONLY ADMIN the admin account is refused writes on read-only replicas too.
            await session.ExecuteAsync("REVOKE READ_ONLY ADMIN ON *.* FROM ?@?", [context.Credentials.AdminUser, host], cancellationToken);
        }

        var replicationHash = NativePasswordHash.Compute(context.Credentials.ReplicationPassword.Reveal());
        foreach (var host in Environment.Replicas.Select(r => r.Host == "localhost" ? "127.0.0.1" : r.Host).Distinct())
        {
            await session.ExecuteAsync("CREATE OR REPLACE USER ?@? IDENTIFIED BY PASSWORD ?", [context.Credentials.ReplicationUser, host, replicationHash], cancellationToken);
            await session.ExecuteAsync("GRANT REPLICATION SLAVE ON *.* TO ?@?", [context.Credentials.ReplicationUser, host], cancellationToken);
        }
    }

    /// <summary>Streams a single-transaction dump of the source's databases into the node; returns the dump's GTID position.</summary>
    private async Task<string> SeedFromDumpAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken)
    {
        List<string> databases;
        await using (var session = await engine.ConnectAsync(engine.AdminTarget(source, context.Credentials), cancellationToken))
        {
            databases = (await session.QueryAsync("SHOW DATABASES", cancellationToken: cancellationToken))
                .Select(r => r.Values.Values.Single() as string ?? "")
                .Where(d => !SystemDatabases.Contains(d, StringComparer.OrdinalIgnoreCase))
                .ToList();
        }

        using var clientConf = SecretFile.Create("client.cnf", MariaDbConfigFiles.ClientConf(context.Credentials.AdminUser, context.Credentials.AdminPassword.Reveal()));
        var dump = new ProcessSpec(Binaries.Path("mariadb-dump"), [
            $"--defaults-extra-file={clientConf.Path}",
            $"--host={source.Host}", $"--port={source.Port.ToString(CultureInfo.InvariantCulture)}", "--protocol=TCP",
            .. MariaDbConfigFiles.ConsistentDumpOptions,
            "--databases", .. databases,
        ]);
        var load = new ProcessSpec(Binaries.Path("mariadb"), [
            "--no-defaults", $"--socket={MariaDbConfigFiles.SocketPath(context.State.NodeDir(node))}",
            $"--user={System.Environment.UserName}", "--default-character-set=utf8mb4", "--binary-mode",
            "--init-command=SET SESSION sql_log_bin = 0",
        ]);
        string? position = null;
        await ProcessPipeline.PipeAsync(dump, load, 64 * 1024, head => position = DumpGtidPosition().Match(head) is { Success: true } m ? m.Groups["pos"].Value : null, cancellationToken);
        return position ?? throw new LocalProviderException($"the dump of '{source.Name}' carried no GTID position (gtid_slave_pos); cannot start replication of '{node.Name}' safely");
    }

    private Task<IDbSession> LocalRootSessionAsync(NodeDefinition node, CancellationToken cancellationToken) =>
        engine.ConnectAsync(
            new ConnectionTarget(node.Host, node.Port, System.Environment.UserName, null, null, MariaDbConfigFiles.SocketPath(context.State.NodeDir(node))),
            cancellationToken);

    private async Task WriteConfigAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var path = ConfigFile(node);
        await File.WriteAllTextAsync(
            path,
            MariaDbConfigFiles.ServerConf(Environment, node, context.State.NodeDir(node), context.State.DataDir(node), context.State.LogFile(node)),
            cancellationToken);

        // mariadbd ignores world-writable option files; 0644 keeps it readable by the service user.
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var tmp = MariaDbConfigFiles.TmpDir(context.State.NodeDir(node));
        if (!Directory.Exists(tmp))
        {
            Directory.CreateDirectory(tmp);
            await context.User.TakeOwnershipAsync(tmp, cancellationToken);
        }
    }

    private string ConfigFile(NodeDefinition node) => Path.Combine(context.State.NodeDir(node), "my.cnf");

    private int? ReadPid(NodeDefinition node)
    {
        var pidFile = MariaDbConfigFiles.PidFile(context.State.NodeDir(node));
        return File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static bool IsServerProcess(int pid)
    {
        var cmdline = $"/proc/{pid}/cmdline";
        return Libc.ProcessExists(pid) && File.Exists(cmdline) && File.ReadAllText(cmdline).Contains("mariadbd", StringComparison.Ordinal);
    }

    private string LogTail(NodeDefinition node)
    {
        var log = context.State.LogFile(node);
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(15)) : "(no log file)";
    }
}
