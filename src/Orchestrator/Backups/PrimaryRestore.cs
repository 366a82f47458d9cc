using Orchestrator.Data;
using Orchestrator.Progress;
using Orchestrator.Replication;
using Orchestrator.Servers;
using Orchestrator.Topology;

namespace Orchestrator.Backups;

/// <summary>A backup put in place of the primary's data of an environment whose servers the tool runs.</summary>
internal static class PrimaryRestore
{
    /// <summary>
    /// A physical backup becomes the primary's data directory; a logical one is loaded into the
    /// running primary without replicating (the replicas are cloned from it afterwards).
    /// Returns the primary's database, for the caller to verify before the replicas are cloned,
    /// and, with <paramref name="replay"/>, the point the archive's replay reached.
    /// </summary>
    /// <param name="disposable">A rehearsal's scratch node (see <see cref="PhysicalCopy.Disposable"/>).</param>
    public static Task<(ConnectionTarget Database, RecoveryPoint? Point)> IntoAsync(
        LocalTopology topology, IEngine engine, string directory, BackupManifest manifest, ITopologyProgress progress, CancellationToken cancellationToken, ArchiveReplay? replay = null, bool disposable = false)
    {
        var environment = topology.Environment;
        return manifest.Kind == BackupKind.Physical
            ? topology.RestorePrimaryAsync(new PhysicalCopy(directory, manifest.Position, manifest.AdminUser) { Replay = replay, Disposable = disposable }, cancellationToken)
            : topology.LoadIntoPrimaryAsync(
                (admin, cancel) => engine.Backups.RestoreLogicalAsync(admin, environment.Database, directory, manifest, replicate: false, environment.Local, progress, cancel),
                cancellationToken);
    }
}
