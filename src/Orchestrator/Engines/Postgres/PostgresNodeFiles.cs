using Orchestrator.Environments;
using Orchestrator.Hosts;
using Orchestrator.Processes;
using Orchestrator.Replication;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// A PostgreSQL node's files and programs on its host: its directories, configuration and
/// password files (private to the service user), and the server programs run as that user.
/// </summary>
internal sealed class PostgresNodeFiles(LocalContext context)
{
    private PostgresBinaries? _binaries;
    private EnvironmentDefinition? _serverView;

    public PostgresBinaries Binaries
    {
        get => _binaries ?? throw new InvalidOperationException("CheckPrerequisitesAsync must run first");
        set => _binaries = value;
    }

    public INodeHost Host => context.Host;

    public string DataDir(NodeDefinition node) => Host.Paths(node).DataDir;

    public string NodeDir(NodeDefinition node) => Host.Paths(node).NodeDir;

    public string LogFile(NodeDefinition node) => Host.DescribeLog(node);

    public string InData(NodeDefinition node, string name) => Host.Paths(node).InData(name);

    /// <summary>The pgpass file the node's walreceiver reads to log in to its source.</summary>
    public string Passfile(NodeDefinition node) => Host.Paths(node).InNode(PostgresConfigFiles.PassfileName);

    /// <summary>The environment as the servers address each other (see <see cref="INodeHost.ServerView"/>).</summary>
    public EnvironmentDefinition ServerView => _serverView ??= Host.ServerView(context.Environment);

    /// <summary>How <paramref name="node"/>'s peers reach it.</summary>
    public NodeDefinition Addressed(NodeDefinition node) => ServerView.Node(node.Name);

    /// <summary>
    /// Writes the node's settings and pg_hba.conf (and, with <paramref name="standby"/>, its
    /// standby.signal) in one go. With <paramref name="onlyInitialized"/>, writes nothing (and
    /// returns false) where the data directory was never initialised. The reads before the
    /// writes go side by side: on a container each is a call to the Docker engine, and a
    /// failover waits on them.
    /// </summary>
    public async Task<bool> WriteConfigAsync(NodeDefinition node, CancellationToken cancellationToken, bool standby = false, bool onlyInitialized = false)
    {
        var main = InData(node, "postgresql.conf");
        var reading = Host.ReadFileAsync(node, main, cancellationToken);
        var initialized = onlyInitialized ? Host.ReadFileAsync(node, InData(node, "PG_VERSION"), cancellationToken) : Task.FromResult<string?>("");
        var archiveReady = ServerView.Archive is { } archive ? Host.EnsurePrivateDirectoryAsync(node, archive.Directory, cancellationToken) : Task.CompletedTask;
        await Task.WhenAll(reading, initialized, archiveReady);
        if (await initialized is null)
        {
            return false;
        }

        List<(string, string)> written =
        [
            (InData(node, PostgresConfigFiles.ConfFileName), PostgresConfigFiles.ServerConf(ServerView, Addressed(node), Host.Paths(node))),
            (InData(node, "pg_hba.conf"), PostgresConfigFiles.HbaConf(ServerView)),
            .. context.TlsFiles(node),
        ];
        if (standby)
        {
            written.Add((InData(node, "standby.signal"), ""));
        }

        if (node.Source is { } source && !node.Fenced)
        {
            // primary_conninfo names this file: a node started or reloaded as a replica of a source
            // it did not follow before (after a role change killed before it moved the node) logs in
            // with it. A fenced node gets none: started by hand, its history may have gone past the
            // point where the new primary's began, and only its rejoin rewinds it first.
            written.Add((Passfile(node), ReplicationPassfileLine(ServerView.Node(source))));
        }

        var include = $"include '{PostgresConfigFiles.ConfFileName}'";
        var text = await reading ?? "";
        if (!text.Contains(include, StringComparison.Ordinal))
        {
            written.Add((main, $"{text}\n# Settings managed by orchestrator:\n{include}\n"));
        }

        await Host.WriteFilesAsync(node, written, cancellationToken);
        return true;
    }

    /// <summary>Writes what a new replica's pg_basebackup needs from its source: the replication password and the TLS files it checks the source with.</summary>
    public Task WriteReplicationPassfileAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken) =>
        Host.WriteFilesAsync(node, [(Passfile(node), ReplicationPassfileLine(Addressed(source))), .. context.TlsFiles(node)], cancellationToken);

    /// <summary>libpq's TLS settings, as environment variables, for a program run on the node's host that connects to another node.</summary>
    public IEnumerable<KeyValuePair<string, string>> ClientTlsEnvironment(NodeDefinition node) =>
        PostgresConfigFiles.ClientTlsEnvironment(node.Tls, Host.Paths(node).TlsCaFile);

    private string ReplicationPassfileLine(NodeDefinition addressedSource) =>
        PostgresConfigFiles.PassfileLine(addressedSource, context.Credentials.ReplicationUser, context.Credentials.RequiredReplicationPassword().Reveal());

    /// <summary>An empty node directory owned by the service user; a previous, never completed setup is deleted.</summary>
    public async Task<string> PrepareNodeDirAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        // Setup never completed here (no marker), so nothing in it is worth keeping.
        await Host.ResetNodeDirAsync(node, cancellationToken);
        return NodeDir(node);
    }

    public Task WriteOwnedAsync(NodeDefinition node, string path, string content, CancellationToken cancellationToken) =>
        Host.WriteFileAsync(node, path, content, cancellationToken);

    public ProcessSpec PgCtl(NodeDefinition node, string action, params string[] options) =>
        new(Binaries.Path("pg_ctl"), [action, "-D", DataDir(node), .. options])
        {
            WorkingDirectory = NodeDir(node),
        };

    /// <summary>Runs a server program as the service user; a non-zero exit is an error.</summary>
    public Task<ProcessResult> RunAsync(NodeDefinition node, ProcessSpec spec, CancellationToken cancellationToken) =>
        Host.RunCheckedAsync(node, spec, cancellationToken);

    /// <summary>pg_controldata's fields of a stopped node.</summary>
    public async Task<Dictionary<string, string>> ControlDataAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var result = await RunAsync(node, new ProcessSpec(Binaries.Path("pg_controldata"), ["-D", DataDir(node)]), cancellationToken);
        return result.StandardOutput.Split('\n')
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0].Trim(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.Ordinal);
    }
}
