using Orchestrator.Progress;
using System.Diagnostics;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Servers;
using Orchestrator.State;
using Orchestrator.Context;
using Orchestrator.Hosts;

namespace Orchestrator.Backups;

/// <summary>
/// <c>backup</c>: picks the node (--node, else the file's backup.node, else the primary; for a
/// physical backup without either, a replica), has the engine take the backup into a new
/// directory, then checksums every file and writes the manifest last, so a directory with a
/// manifest is a complete backup.
/// </summary>
internal static class BackupRunner
{
    public static async Task<BackupResult> RunAsync(
        EnvironmentContext context, string? nodeName, BackupKind kind, string? outDir, CancellationToken cancellationToken)
    {
        var (environment, engine, progress) = (context.Definition, context.Engine, context.Progress);
        var state = context.State;
        var credentials = context.Credentials;
        var (node, role) = await ChooseNodeAsync(environment, engine, credentials, nodeName, kind, cancellationToken);
        var directory = Path.GetFullPath(outDir ?? Path.Combine("backups", $"{environment.Name}-{node.Name}-{kind.ToString().ToLowerInvariant()}-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}"));
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new BackupRefusedException($"{directory} already exists and is not empty; choose another --out (a backup never overwrites files)");
        }

        Directory.CreateDirectory(directory, BackupFiles.PrivateFolder);
        var clock = Stopwatch.StartNew();
        var takenAt = DateTimeOffset.UtcNow;
        var completed = false;
        try
        {
            var versionTable = await MigrationProject.VersionTableOfAsync(environment, cancellationToken);
            // A node's data directory may be on another host (a container): a physical backup reads it there.
            var reading = kind == BackupKind.Physical && state is not null && HostProviders.For(environment) is { } provider && engine.Descriptor.Server is { } server
                ? await provider.OpenForReadingAsync(new HostingRequest(environment, environment, state, server, progress), cancellationToken)
                : null;
            using var hosting = reading?.Hosting;
            var host = reading?.Host;
            var taken = await engine.Backups.TakeAsync(new BackupRequest(environment, node, role, credentials, kind, directory, state, progress) { VersionTable = versionTable, Host = host }, cancellationToken);
            BackupFiles.Restrict(directory);
            IReadOnlyList<BackupFileEntry> files = [];
            await progress.StepAsync(node.Name, "SHA-256 of every backup file", async () => files = await BackupFiles.DescribeAsync(directory, cancellationToken));
            var manifest = new BackupManifest
            {
                Environment = environment.Name,
                Node = node.Name,
                Engine = environment.Engine.ToText(),
                ServerVersion = taken.ServerVersion,
                Kind = kind,
                Layout = taken.Layout,
                Database = environment.Database,
                SchemaVersion = taken.SchemaVersion,
                TakenAt = takenAt,
                DurationSeconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
                Position = taken.Position,
                AdminUser = taken.AdminUser,
                Tools = new Dictionary<string, string>(taken.Tools) { ["orchestrator"] = ToolVersion.Text },
                Tables = taken.Tables,
                Files = files,
                EngineVerified = taken.EngineVerified,
            };
            await manifest.WriteAsync(directory, cancellationToken);
            completed = true;
            return new BackupResult(directory, manifest, clock.Elapsed);
        }
        finally
        {
            if (!completed)
            {
                // Half a backup is worse than none: it could be mistaken for one.
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task<(NodeDefinition Node, ObservedRole Role)> ChooseNodeAsync(
        EnvironmentDefinition environment, IEngine engine, EnvironmentCredentials credentials, string? nodeName, BackupKind kind, CancellationToken cancellationToken)
    {
        async Task<(NodeDefinition, ObservedRole)> Observed(NodeDefinition node) => (node, (await engine.ObserveAsync(node, credentials, cancellationToken)).Role);

        if ((nodeName ?? environment.BackupNode) is { } name)
        {
            return await Observed(environment.Nodes.FirstOrDefault(n => n.Name == name)
                ?? throw new BackupRefusedException($"environment '{environment.Name}' has no node '{name}' (nodes: {string.Join(", ", environment.Nodes.Select(n => n.Name))})"));
        }

        if (kind == BackupKind.Logical)
        {
            return await Observed(environment.Primary);
        }

        // A physical backup needs a replica to hold still; take the first one that reports itself one.
        foreach (var replica in environment.Replicas)
        {
            try
            {
                if ((await engine.ObserveAsync(replica, credentials, cancellationToken)).Role == ObservedRole.Replica)
                {
                    return (replica, ObservedRole.Replica);
                }
            }
            catch (DatabaseException)
            {
                // Unreachable: try the next one.
            }
        }

        return await Observed(environment.Primary);
    }
}
