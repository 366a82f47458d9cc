using Orchestrator.Environments;
using Orchestrator.Local;
using Orchestrator.Processes;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// A local PostgreSQL node's files and programs: its directories, configuration and password
/// files (owned by the service user, private to it), and the server programs run as that user.
/// </summary>
internal sealed class PostgresNodeFiles(LocalContext context)
{
    private PostgresBinaries? _binaries;

    public PostgresBinaries Binaries
    {
        get => _binaries ?? throw new InvalidOperationException("CheckPrerequisitesAsync must run first");
        set => _binaries = value;
    }

    public string DataDir(NodeDefinition node) => context.State.DataDir(node);

    public string NodeDir(NodeDefinition node) => context.State.NodeDir(node);

    public string LogFile(NodeDefinition node) => context.State.LogFile(node);

    /// <summary>The pgpass file the node's walreceiver reads to log in to its source.</summary>
    public string Passfile(NodeDefinition node) => Path.Combine(NodeDir(node), "pgpass");

    public async Task WriteConfigAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var data = DataDir(node);
        await WriteOwnedAsync(Path.Combine(data, PostgresConfigFiles.ConfFileName), PostgresConfigFiles.ServerConf(context.Environment, node, Passfile(node)), cancellationToken);
        await WriteOwnedAsync(Path.Combine(data, "pg_hba.conf"), PostgresConfigFiles.HbaConf(context.Environment), cancellationToken);
        var main = Path.Combine(data, "postgresql.conf");
        var include = $"include '{PostgresConfigFiles.ConfFileName}'";
        var text = await File.ReadAllTextAsync(main, cancellationToken);
        if (!text.Contains(include, StringComparison.Ordinal))
        {
            await File.AppendAllTextAsync(main, $"\n# Settings managed by orchestrator:\n{include}\n", cancellationToken);
        }
    }

    public Task WriteReplicationPassfileAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken) =>
        WriteOwnedAsync(Passfile(node), PostgresConfigFiles.PassfileLine(source, context.Credentials.ReplicationUser, context.Credentials.ReplicationPassword.Reveal()), cancellationToken);

    /// <summary>An empty node directory owned by the service user; a previous, never completed setup is deleted.</summary>
    public async Task<string> PrepareNodeDirAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var nodeDir = NodeDir(node);
        if (Directory.Exists(nodeDir))
        {
            // Setup never completed here (no marker), so nothing in it is worth keeping.
            Directory.Delete(nodeDir, recursive: true);
        }

        Directory.CreateDirectory(nodeDir);
        await context.User.TakeOwnershipAsync(nodeDir, cancellationToken);
        return nodeDir;
    }

    public async Task WriteOwnedAsync(string path, string content, CancellationToken cancellationToken)
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

    public ProcessSpec PgCtl(NodeDefinition node, string action, params string[] options) =>
        new(Binaries.Path("pg_ctl"), [action, "-D", DataDir(node), .. options])
        {
            RunAs = context.User.RunAs,
            WorkingDirectory = NodeDir(node),
        };

    /// <summary>Runs a server program as the service user; a non-zero exit is an error.</summary>
    public Task RunAsync(ProcessSpec spec, CancellationToken cancellationToken) =>
        ProcessRunner.RunCheckedAsync(spec with { RunAs = context.User.RunAs }, cancellationToken);

    /// <summary>pg_controldata's fields of a stopped node.</summary>
    public async Task<Dictionary<string, string>> ControlDataAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunCheckedAsync(new ProcessSpec(Binaries.Path("pg_controldata"), ["-D", DataDir(node)]) { RunAs = context.User.RunAs }, cancellationToken);
        return result.StandardOutput.Split('\n')
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0].Trim(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.Ordinal);
    }
}
