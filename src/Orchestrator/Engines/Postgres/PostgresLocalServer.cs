using Orchestrator.Environments;
using Orchestrator.Local;
using Orchestrator.Processes;
using Orchestrator.Topology;

namespace Orchestrator.Engines.Postgres;

/// <summary>Initialises, clones, starts and stops PostgreSQL 15 servers under the state directory.</summary>
internal sealed partial class PostgresLocalServer(PostgresEngine engine, LocalContext context) : ILocalServer
{
    private PostgresBinaries? _binaries;

    private PostgresBinaries Binaries => _binaries ?? throw new InvalidOperationException("CheckPrerequisitesAsync must run first");

    private EnvironmentDefinition Environment => context.Environment;

    public async Task CheckPrerequisitesAsync(CancellationToken cancellationToken) =>
        _binaries = await PostgresBinaries.LocateAsync(Environment.Local, cancellationToken);

    public Task<LocalNodeState> GetStateAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (!context.State.IsInitialized(node))
        {
            return Task.FromResult(LocalNodeState.NotInitialized);
        }

        // Read postmaster.pid ourselves rather than ask pg_ctl: where PID 1 does not reap
        // orphans (containers without an init), a killed postmaster lingers as a zombie that
        // pg_ctl still counts as running.
        if (PostmasterPid(node) is not { } pid)
        {
            return Task.FromResult(LocalNodeState.Stopped);
        }

        var running = Libc.ProcessExists(pid) && ProcessTable.WorkingIn(context.State.DataDir(node)).Contains(pid);
        return Task.FromResult(running ? LocalNodeState.Running : LocalNodeState.Crashed);
    }

    public async Task InitializePrimaryAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var nodeDir = await PrepareNodeDirAsync(node, cancellationToken);
        var pwfile = Path.Combine(nodeDir, "initdb.pw");
        await WriteOwnedAsync(pwfile, context.Credentials.AdminPassword.Reveal() + "\n", cancellationToken);
        try
        {
            await context.Progress.StepAsync(node.Name, "initdb", () => Run(new ProcessSpec(Binaries.Path("initdb"), [
                "-D", context.State.DataDir(node),
                "-U", context.Credentials.AdminUser,
                $"--pwfile={pwfile}",
                "--auth-host=scram-sha-256",
                "--auth-local=scram-sha-256",
                "-E", "UTF8",
                "--no-locale",
            ]), cancellationToken));
        }
        finally
        {
            File.Delete(pwfile);
        }

        await WriteConfigAsync(node, cancellationToken);
        await StartAsync(node, cancellationToken);
        await context.Progress.StepAsync(node.Name, "create replication role", () => CreateReplicationRoleAsync(node, cancellationToken));
        context.State.MarkInitialized(node);
    }

    public async Task EnsureDatabaseAsync(NodeDefinition primary, CancellationToken cancellationToken)
    {
        await using var session = await SetupSessionAsync(primary, cancellationToken);
        if ((await session.QueryAsync("SELECT 1 FROM pg_database WHERE datname = $1", [Environment.Database], cancellationToken)).Count == 0)
        {
            await context.Progress.StepAsync(primary.Name, $"create database '{Environment.Database}'", () =>
                session.ExecuteAsync($"CREATE DATABASE {PostgresSql.Identifier(Environment.Database)}", cancellationToken: cancellationToken));
        }
    }

    public async Task BootstrapReplicaAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken)
    {
        var nodeDir = await PrepareNodeDirAsync(node, cancellationToken);
        await WriteReplicationPassfileAsync(node, source, cancellationToken);
        await CreateSlotAsync(node, source, cancellationToken);
        await context.Progress.StepAsync(node.Name, $"pg_basebackup from {source.Name}", () => Run(
            new ProcessSpec(Binaries.Path("pg_basebackup"), [
                "-h", source.Host, "-p", source.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-U", context.Credentials.ReplicationUser, "--no-password",
                "-D", context.State.DataDir(node),
                "-X", "stream", "-c", "fast", "-S", node.SlotName,
            ])
            {
                Environment = new Dictionary<string, string> { ["PGPASSFILE"] = Passfile(node), ["PGAPPNAME"] = node.Name },
                WorkingDirectory = nodeDir,
            },
            cancellationToken));
        await WriteConfigAsync(node, cancellationToken);
        await WriteOwnedAsync(Path.Combine(context.State.DataDir(node), "standby.signal"), "", cancellationToken);
        await StartAsync(node, cancellationToken);
        context.State.MarkInitialized(node);
    }

    public async Task StartAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await WriteConfigAsync(node, cancellationToken);
        if (node.Role == NodeRole.Replica)
        {
            // A node the live shape makes a replica never starts as a primary, whatever happened to
            // its data directory in between (an interrupted rejoin, a former primary).
            await WriteOwnedAsync(Path.Combine(context.State.DataDir(node), "standby.signal"), "", cancellationToken);
        }

        await StartServerAsync(node, $"start on {node.Endpoint}", [], cancellationToken);
    }

    /// <summary>Starts the postmaster with the configuration on disk plus <paramref name="settings"/> (name, value) given on its command line.</summary>
    private async Task StartServerAsync(NodeDefinition node, string step, IReadOnlyList<(string Name, string Value)> settings, CancellationToken cancellationToken)
    {
        await context.Progress.StepAsync(node.Name, step, async () =>
        {
            await ClearStaleLockAsync(node, cancellationToken);
            // After a SIGKILL the old server's children can hold its shared memory for a moment;
            // the new postmaster then exits at once, and a short retry succeeds once they are gone.
            for (var attempt = 1; ; attempt++)
            {
                var options = string.Join(' ', settings.Select(o => $"-c {o.Name}={PostgresSql.Literal(o.Value)}"));
                var spec = settings.Count == 0
                    ? PgCtl(node, "start", "-W", "-l", context.State.LogFile(node))
                    : PgCtl(node, "start", "-W", "-l", context.State.LogFile(node), "-o", options);
                var result = await ProcessRunner.RunAsync(spec with { FileName = "setsid", Arguments = [spec.FileName, .. spec.Arguments] }, cancellationToken);
                if (result.ExitCode == 0 && await WaitUntilAcceptingAsync(node, cancellationToken))
                {
                    return;
                }

                if (attempt == 5)
                {
                    var log = File.Exists(context.State.LogFile(node)) ? string.Join('\n', File.ReadLines(context.State.LogFile(node)).TakeLast(10)) : "";
                    throw new LocalProviderException($"node '{node.Name}' did not start; see {context.State.LogFile(node)}:\n{Redactor.Redact(log)}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), cancellationToken);
            }
        });
    }

    /// <summary>
    /// Waits for the status PostgreSQL writes on line 8 of postmaster.pid ("ready" on a primary,
    /// "standby" on a hot standby), checking every few milliseconds rather than pg_ctl -w's
    /// tenth of a second. False when the postmaster died first.
    /// </summary>
    private async Task<bool> WaitUntilAcceptingAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var lockFile = Path.Combine(context.State.DataDir(node), "postmaster.pid");
        var started = DateTime.UtcNow;
        var deadline = started + TimeSpan.FromSeconds(120);
        int? postmaster = null;
        while (DateTime.UtcNow < deadline)
        {
            // PostgreSQL rewrites this file while starting, so a read may see it empty or partial:
            // only the disappearance of the postmaster we saw means it stopped.
            string[] lines;
            try
            {
                lines = File.ReadAllLines(lockFile);
            }
            catch (IOException)
            {
                lines = [];
            }

            if (lines.Length > 0 && int.TryParse(lines[0], System.Globalization.CultureInfo.InvariantCulture, out var pid))
            {
                postmaster = pid;
            }

            if (lines.Length >= 8 && lines[7].Trim() is "ready" or "standby")
            {
                return true;
            }

            if (postmaster is { } seen ? !Libc.ProcessExists(seen) : DateTime.UtcNow - started > TimeSpan.FromSeconds(15))
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        }

        throw new LocalProviderException($"node '{node.Name}' did not accept connections within 120 s; see {context.State.LogFile(node)}");
    }

    public async Task StopAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        // A fast shutdown waits until connected standbys have received all WAL, so a primary
        // stopped before its replicas leaves them complete.
        await context.Progress.StepAsync(node.Name, "stop (fast shutdown)", () => Run(PgCtl(node, "stop", "-m", "fast", "-w", "-t", "120"), cancellationToken));
    }

    public async Task DiscardAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (await GetStateAsync(node, cancellationToken) == LocalNodeState.Running)
        {
            // Immediate mode skips the shutdown checkpoint but still releases shared memory, which a SIGKILL would leak.
            await Run(PgCtl(node, "stop", "-m", "immediate", "-w", "-t", "60"), cancellationToken);
        }
    }

    /// <summary>
    /// After an unclean stop, waits until no process of the old server still works in the data
    /// directory (its children notice the postmaster's death within moments), then removes the
    /// lock file the dead postmaster left, which PostgreSQL would otherwise refuse if its pid
    /// lingers as a zombie.
    /// </summary>
    private async Task ClearStaleLockAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (PostmasterPid(node) is not { } pid || (Libc.ProcessExists(pid) && ProcessTable.WorkingIn(context.State.DataDir(node)).Contains(pid)))
        {
            return;
        }

        await Poll.UntilAsync(
            () => Task.FromResult(ProcessTable.WorkingIn(context.State.DataDir(node)).Count == 0),
            TimeSpan.FromSeconds(60),
            () => $"processes of the previous server of '{node.Name}' still run in {context.State.DataDir(node)} (pids {string.Join(", ", ProcessTable.WorkingIn(context.State.DataDir(node)))}); stop them first",
            cancellationToken);
        File.Delete(Path.Combine(context.State.DataDir(node), "postmaster.pid"));
    }

    private int? PostmasterPid(NodeDefinition node)
    {
        var lockFile = Path.Combine(context.State.DataDir(node), "postmaster.pid");
        try
        {
            return int.TryParse(File.ReadLines(lockFile).FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private async Task CreateReplicationRoleAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await using var session = await SetupSessionAsync(node, cancellationToken);
        await CreateReplicationRoleAsync(session, cancellationToken);
    }

    private Task CreateReplicationRoleAsync(Data.IDbSession session, CancellationToken cancellationToken) =>
        UpsertRoleAsync(session, context.Credentials.ReplicationUser, "REPLICATION LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT", context.Credentials.ReplicationPassword, cancellationToken);

    /// <summary>Creates the role, or brings an existing one to these attributes and password, sent as a SCRAM verifier computed here.</summary>
    private static async Task UpsertRoleAsync(Data.IDbSession session, string role, string attributes, Environments.Secret password, CancellationToken cancellationToken)
    {
        var verifier = ScramVerifier.Compute(password.Reveal());
        var exists = await session.QueryAsync("SELECT 1 FROM pg_roles WHERE rolname = $1", [role], cancellationToken);
        var verb = exists.Count == 0 ? "CREATE" : "ALTER";
        await session.ExecuteAsync(
            $"{verb} ROLE {PostgresSql.Identifier(role)} WITH {attributes} PASSWORD {PostgresSql.Literal(verifier)}",
            cancellationToken: cancellationToken);
    }

    private async Task CreateSlotAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken)
    {
        // The slot exists before the copy starts, so the source keeps every WAL segment the
        // new replica will ask for between the end of the copy and its first connection.
        await using var session = await SetupSessionAsync(source, cancellationToken);
        var existing = await session.QueryAsync("SELECT active FROM pg_replication_slots WHERE slot_name = $1", [node.SlotName], cancellationToken);
        if (existing.Count == 1)
        {
            if (existing[0].GetBoolean("active") == true)
            {
                throw new LocalProviderException($"slot '{node.SlotName}' on '{source.Name}' is in use by another process; is another copy of '{node.Name}' running?");
            }

            await session.ExecuteAsync("SELECT pg_drop_replication_slot($1)", [node.SlotName], cancellationToken);
        }

        await session.ExecuteAsync("SELECT pg_create_physical_replication_slot($1, true)", [node.SlotName], cancellationToken);
    }

    private async Task WriteConfigAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var data = context.State.DataDir(node);
        await WriteOwnedAsync(Path.Combine(data, PostgresConfigFiles.ConfFileName), PostgresConfigFiles.ServerConf(Environment, node, Passfile(node)), cancellationToken);
        await WriteOwnedAsync(Path.Combine(data, "pg_hba.conf"), PostgresConfigFiles.HbaConf(Environment), cancellationToken);
        var main = Path.Combine(data, "postgresql.conf");
        var include = $"include '{PostgresConfigFiles.ConfFileName}'";
        var text = await File.ReadAllTextAsync(main, cancellationToken);
        if (!text.Contains(include, StringComparison.Ordinal))
        {
            await File.AppendAllTextAsync(main, $"\n# Settings managed by orchestrator:\n{include}\n", cancellationToken);
        }
    }

    private async Task<string> PrepareNodeDirAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var nodeDir = context.State.NodeDir(node);
        if (Directory.Exists(nodeDir))
        {
            // Setup never completed here (no marker), so nothing in it is worth keeping.
            Directory.Delete(nodeDir, recursive: true);
        }

        Directory.CreateDirectory(nodeDir);
        await context.User.TakeOwnershipAsync(nodeDir, cancellationToken);
        return nodeDir;
    }

    private async Task WriteOwnedAsync(string path, string content, CancellationToken cancellationToken)
    {
        await using (var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(content);
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await context.User.TakeOwnershipAsync(path, cancellationToken);
    }

    /// <summary>
    /// An admin session for the tool's own setup, committing without waiting for synchronous
    /// standbys: while an environment is being built they do not exist yet, and they are cloned
    /// from this node afterwards anyway.
    /// </summary>
    private async Task<Data.IDbSession> SetupSessionAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var session = await engine.ConnectAsync(engine.AdminTarget(node, context.Credentials), cancellationToken);
        await session.ExecuteAsync("SET synchronous_commit = local", cancellationToken: cancellationToken);
        return session;
    }

    /// <summary>The pgpass file the node's walreceiver reads to log in to <paramref name="source"/>.</summary>
    private Task WriteReplicationPassfileAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken) =>
        WriteOwnedAsync(Passfile(node), PostgresConfigFiles.PassfileLine(source, context.Credentials.ReplicationUser, context.Credentials.ReplicationPassword.Reveal()), cancellationToken);

    private string Passfile(NodeDefinition node) => Path.Combine(context.State.NodeDir(node), "pgpass");

    private ProcessSpec PgCtl(NodeDefinition node, string action, params string[] options) =>
        new(Binaries.Path("pg_ctl"), [action, "-D", context.State.DataDir(node), .. options])
        {
            RunAs = context.User.RunAs,
            WorkingDirectory = context.State.NodeDir(node),
        };

    private Task Run(ProcessSpec spec, CancellationToken cancellationToken) =>
        ProcessRunner.RunCheckedAsync(spec with { RunAs = context.User.RunAs }, cancellationToken);
}
