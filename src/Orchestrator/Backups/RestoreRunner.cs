using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Topology;
using Orchestrator.Context;
using Orchestrator.Replication;

namespace Orchestrator.Backups;

/// <summary>
/// <c>restore</c>: replaces an environment's data with a verified backup's. A local
/// environment's primary is restored and its replicas rebuilt from it. An external one is
/// only touched when the caller names it, and only by loading a logical backup into the
/// primary, which its replicas then replay.
/// </summary>
internal static class RestoreRunner
{
    /// <param name="target">For a point-in-time restore: where replay of the archive after the (physical) backup stops; null restores the backup as it was taken.</param>
    public static async Task<(BackupManifest Manifest, RecoveryPoint? Point)> RunAsync(
        EnvironmentContext context, string backupDirectory, string? confirmedEnvironment, CancellationToken cancellationToken, RecoveryTarget? target = null)
    {
        var (environment, engine, progress) = (context.Definition, context.Engine, context.Progress);
        // A confirmation is only needed for servers the tool did not create, but one that names another environment is a mistake wherever it is given.
        if (confirmedEnvironment is not null && confirmedEnvironment != environment.Name)
        {
            throw new BackupRefusedException(
                $"--i-understand-this-overwrites names '{confirmedEnvironment}', but this is environment '{environment.Name}'; nothing was restored. Name the environment being overwritten");
        }

        if (environment.Provider.IsExternal() && confirmedEnvironment != environment.Name)
        {
            throw new BackupRefusedException(
                $"'{environment.Name}' is an external environment: restoring replaces database '{environment.Database}' on its primary. " +
                $"If that is what you want, add --i-understand-this-overwrites {environment.Name}");
        }

        var directory = Path.GetFullPath(backupDirectory);
        var manifest = await BackupManifest.ReadAsync(directory, cancellationToken);
        await BackupVerification.VerifyAsync(context, directory, manifest, cancellationToken);
        if (target is not null && !environment.RunsServers)
        {
            throw new BackupRefusedException($"a point-in-time restore replaces a server's data directory, which this tool does not manage for external environment '{environment.Name}'");
        }

        var replay = target is null ? null : await PointInTimeRestore.PrepareAsync(context, directory, manifest, target, cancellationToken);
        if (environment.RunsServers)
        {
            var topology = new LocalTopology(context);
            var (restored, point) = await PrimaryRestore.IntoAsync(topology, engine, directory, manifest, progress, cancellationToken, replay);

            // The replicas are cloned from what the primary now holds, so it is proven first: the
            // backup's checksums, or (replayed past them) the transaction after the target absent.
            if (point is null)
            {
                await RestoredData.VerifyAsync(
                    engine, restored, manifest, environment.Primary.Name,
                    $"the replicas were not cloned from it. Restore another backup, or run 'up' to clone them from '{environment.Primary.Name}' as it is", progress, cancellationToken);
            }

            await topology.UpAsync(cancellationToken);
            return (manifest, point);
        }

        if (manifest.Kind == BackupKind.Physical)
        {
            throw new BackupRefusedException($"a physical backup replaces a server's data directory, which this tool does not manage for external environment '{environment.Name}'; restore a logical backup instead");
        }

        var credentials = context.Credentials;
        var primary = await MigrationTarget.DiscoverPrimaryAsync(environment, engine, credentials, cancellationToken);
        await engine.Backups.RestoreLogicalAsync(engine.AdminTarget(primary, credentials), environment.Database, directory, manifest, replicate: true, environment.Local, progress, cancellationToken);
        await RestoredData.VerifyAsync(
            engine, engine.AdminTarget(primary, credentials, environment.Database), manifest, primary.Name,
            "its replicas replay what the primary holds; restore another backup", progress, cancellationToken);
        return (manifest, null);
    }
}
