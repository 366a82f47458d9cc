using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Local;

namespace Orchestrator.Engines.MariaDb;

/// <summary>A local MariaDB node's files and programs: its option file, temporary directory, pid file and log.</summary>
internal sealed class MariaDbNodeFiles(LocalContext context)
{
    private MariaDbBinaries? _binaries;

    public MariaDbBinaries Binaries
    {
        get => _binaries ?? throw new InvalidOperationException("CheckPrerequisitesAsync must run first");
        set => _binaries = value;
    }

    public string NodeDir(NodeDefinition node) => context.State.NodeDir(node);

    public string DataDir(NodeDefinition node) => context.State.DataDir(node);

    public string LogFile(NodeDefinition node) => context.State.LogFile(node);

    public string ConfigFile(NodeDefinition node) => Path.Combine(NodeDir(node), "my.cnf");

    public string SocketPath(NodeDefinition node) => MariaDbConfigFiles.SocketPath(NodeDir(node));

    /// <summary>Writes the node's option file from the environment's shape, and its own tmpdir.</summary>
    public async Task WriteConfigAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var path = ConfigFile(node);
        await File.WriteAllTextAsync(
            path,
            MariaDbConfigFiles.ServerConf(context.Environment, node, NodeDir(node), DataDir(node), LogFile(node)),
            cancellationToken);

        // mariadbd ignores world-writable option files; 0644 keeps it readable by the service user.
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var tmp = MariaDbConfigFiles.TmpDir(NodeDir(node));
        if (!Directory.Exists(tmp))
        {
            Directory.CreateDirectory(tmp);
            await context.User.TakeOwnershipAsync(tmp, cancellationToken);
        }
    }

    /// <summary>An empty node directory; a previous, never completed setup is deleted.</summary>
    public string RecreateNodeDir(NodeDefinition node)
    {
        var nodeDir = NodeDir(node);
        if (Directory.Exists(nodeDir))
        {
            // Setup never completed here (no marker), so nothing in it is worth keeping.
            Directory.Delete(nodeDir, recursive: true);
        }

        Directory.CreateDirectory(nodeDir);
        return nodeDir;
    }

    public int? ReadPid(NodeDefinition node)
    {
        var pidFile = MariaDbConfigFiles.PidFile(NodeDir(node));
        return File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    public string LogTail(NodeDefinition node)
    {
        var log = LogFile(node);
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(15)) : "(no log file)";
    }
}
