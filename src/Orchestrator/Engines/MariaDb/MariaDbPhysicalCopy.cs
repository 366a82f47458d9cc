using Orchestrator.Backups;
using Orchestrator.Data;
using Orchestrator.Hosts;
using Orchestrator.Processes;

namespace Orchestrator.Engines.MariaDb;

/// <summary>Where mariadb-backup copies a replica's data directory and prepares the copy: beside the data, which is on this machine or in the node's container.</summary>
internal interface IDataCopy
{
    /// <summary>Refuses before anything stops when mariadb-backup is missing.</summary>
    Task CheckAsync(CancellationToken cancellationToken);

    Task BackupAsync(CancellationToken cancellationToken);

    /// <summary>Prepares the copy, which then lies in the backup's data/ directory.</summary>
    Task PrepareAsync(CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, string>> ToolVersionsAsync(CancellationToken cancellationToken);
}

/// <summary>mariadb-backup on this machine, reading a local node's data directory, writing straight into the backup.</summary>
internal sealed class LocalCopy(BackupRequest request, ConnectionTarget target) : IDataCopy
{
    private string? _program;

    private string Program => _program ?? throw new InvalidOperationException("CheckAsync must run first");

    private string Data => Path.Combine(request.Directory, MariaDbBackups.DataDirectory);

    public Task CheckAsync(CancellationToken cancellationToken)
    {
        _program = MariaDbBinaries.Locate(request.Environment.Local).Optional("mariadb-backup", "mariadb-backup");
        return Task.CompletedTask;
    }

    public async Task BackupAsync(CancellationToken cancellationToken)
    {
        using var options = MariaDbBackups.ClientOptions(target);
        await ProcessRunner.RunCheckedAsync(
            new ProcessSpec(Program, [
                $"--defaults-file={options.Path}", "--backup", $"--target-dir={Data}",
                $"--datadir={request.State!.DataDir(request.Node)}", .. MariaDbBackups.ConnectionArguments(target),
            ])
            {
                Timeout = MariaDbBackups.LongRunning,
            },
            cancellationToken);
    }

    public Task PrepareAsync(CancellationToken cancellationToken) =>
        ProcessRunner.RunCheckedAsync(new ProcessSpec(Program, ["--no-defaults", "--prepare", $"--target-dir={Data}"]) { Timeout = MariaDbBackups.LongRunning }, cancellationToken);

    public Task<IReadOnlyDictionary<string, string>> ToolVersionsAsync(CancellationToken cancellationToken) => ToolVersions.ReadAsync(Program);
}

/// <summary>
/// mariadb-backup in the node's container, where its data directory is: the copy is made and
/// prepared in the node's directory there (by the server's own version of the tool), then copied
/// out into the backup and removed. It logs in over TCP from the node's own address.
/// </summary>
/// <param name="self">The admin account at the node's own address on the environment's network.</param>
internal sealed class InContainerCopy(INodeHost host, BackupRequest request, ConnectionTarget self) : IDataCopy
{
    private const string Program = "/usr/bin/mariadb-backup";

    private NodePaths Paths => host.Paths(request.Node);

    private string Work => Paths.InNode("backup");

    private string Options => Paths.InNode("backup-client.cnf");

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        if ((await host.RunAsync(request.Node, new ProcessSpec("test", ["-x", Program]), cancellationToken)).ExitCode != 0)
        {
            throw new BackupRefusedException(
                $"image {request.Node.Image} of node '{request.Node.Name}' has no {Program}, which a physical MariaDB backup runs beside the data; " +
                "use mariadb:10.11 or orchestrator/mariadb:10.11 (scripts/setup.sh), or take --kind logical");
        }

        // What an interrupted backup left behind.
        await RunAsync(new ProcessSpec("rm", ["-rf", "--", Work, Options]), cancellationToken);
    }

    public async Task BackupAsync(CancellationToken cancellationToken)
    {
        await host.WriteFileAsync(request.Node, Options, MariaDbConfigFiles.ClientConf(self.User, self.Password?.Reveal() ?? ""), cancellationToken);
        try
        {
            await RunAsync(
                new ProcessSpec(Program, [
                    $"--defaults-file={Options}", "--backup", $"--target-dir={Work}", $"--datadir={Paths.DataDir}",
                    .. MariaDbBackups.ConnectionArguments(self, Paths.TlsCaFile),
                ])
                {
                    Timeout = MariaDbBackups.LongRunning,
                },
                cancellationToken);
        }
        finally
        {
            await host.DeleteFileAsync(request.Node, Options, CancellationToken.None);
        }
    }

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(new ProcessSpec(Program, ["--no-defaults", "--prepare", $"--target-dir={Work}"]) { Timeout = MariaDbBackups.LongRunning }, cancellationToken);
            await host.CopyDirectoryOutAsync(request.Node, Work, Path.Combine(request.Directory, MariaDbBackups.DataDirectory), cancellationToken);
        }
        finally
        {
            await RunAsync(new ProcessSpec("rm", ["-rf", "--", Work]), CancellationToken.None);
        }
    }

    public async Task<IReadOnlyDictionary<string, string>> ToolVersionsAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(new ProcessSpec(Program, ["--version"]), cancellationToken);
        return new Dictionary<string, string> { ["mariadb-backup"] = (result.StandardOutput + result.StandardError).Trim() };
    }

    private Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken) => host.RunCheckedAsync(request.Node, spec, cancellationToken);
}
