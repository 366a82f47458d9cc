using System.Diagnostics;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Progress;
using Orchestrator.Topology;
using Orchestrator.Servers;
using Orchestrator.Context;
using Orchestrator.Replication;

namespace Orchestrator.Backups;

/// <summary>
/// <c>rehearse</c>: proves a backup restores. Its files are checked, it is restored into a
/// scratch local node of the same engine, the restored tables are compared with the manifest
/// (row counts and content checksums), and optionally the environment's pending migrations
/// run on the copy. The scratch node is deleted afterwards unless kept.
/// </summary>
internal static class Rehearsal
{
    /// <param name="target">For a point-in-time rehearsal: where replay of the archive after the (physical) backup stops.</param>
    public static async Task<RehearsalReport> RunAsync(
        EnvironmentContext context, string backupDirectory, bool migrate, bool keep, CancellationToken cancellationToken, RecoveryTarget? target = null)
    {
        var (environment, engine, progress) = (context.Definition, context.Engine, context.Progress);
        if (migrate && environment.Migrations is null)
        {
            throw new BackupRefusedException($"--migrate needs the environment's 'migrations' section; '{environment.Name}' has none");
        }

        var clock = Stopwatch.StartNew();
        var steps = new List<RehearsalStep>();
        async Task<T> Step<T>(string name, Func<Task<T>> action)
        {
            // Steps are listed in the order they start; overlapping ones each keep their own duration.
            var index = steps.Count;
            steps.Add(new RehearsalStep(name, TimeSpan.Zero));
            var started = Stopwatch.StartNew();
            var result = await action();
            steps[index] = new RehearsalStep(name, started.Elapsed);
            return result;
        }

        Task Run(string name, Func<Task> action) => Step(name, async () =>
        {
            await action();
            return true;
        });

        var directory = Path.GetFullPath(backupDirectory);
        var manifest = await BackupManifest.ReadAsync(directory, cancellationToken);
        var scratch = await ScratchEnvironment.CreateAsync(context, progress, manifest.Kind == BackupKind.Physical ? manifest.AdminUser : null);
        scratch.Keep = keep;
        var passed = false;
        try
        {
            // An empty scratch server for a logical backup starts while the files are checked;
            // nothing is loaded into it before they pass.
            // The archive is checked beside the backup's files: nothing is restored before both pass.
            var verify = Run("verify backup files", () => BackupVerification.VerifyAsync(context, directory, manifest, cancellationToken));
            var start = manifest.Kind == BackupKind.Logical && scratch.State is not null ? Run("start a scratch node", () => scratch.StartAsync(cancellationToken)) : Task.CompletedTask;
            var archive = target is null ? Task.FromResult<ArchiveReplay?>(null) : Step("check the archive", async () => (ArchiveReplay?)await PointInTimeRestore.PrepareAsync(context, directory, manifest, target, cancellationToken));
            await Task.WhenAll(verify, start, archive);
            var replay = await archive;
            var point = await Step(replay is null ? "restore into a scratch node" : $"restore into a scratch node and replay to {target}", () => RestoreIntoScratchAsync(scratch, engine, directory, manifest, progress, cancellationToken, replay));
            var credentials = scratch.Context.Credentials;
            var database = engine.AdminTarget(scratch.Definition.Primary, credentials, scratch.Definition.Database);
            // Replayed past the backup, the data is not the backup's: the proof is the point reached,
            // and only the schema version is read.
            var (restoredVersion, mismatches) = await Step(point is null ? "verify restored data" : "read the schema version", async () =>
            {
                IReadOnlyList<TableChecksum> restored = [];
                long? version = null;
                await progress.StepAsync(scratch.Definition.Primary.Name, point is null ? $"row counts and checksums of {Counted.Of(manifest.Tables.Count, "table")}" : "schema version", async () =>
                {
                    restored = point is null ? await engine.Backups.ChecksumAsync(database, cancellationToken) : [];
                    await using var session = await engine.ConnectAsync(database, cancellationToken);
                    version = await engine.MigrationStore(await MigrationProject.VersionTableOfAsync(environment, cancellationToken)).SchemaVersionAsync(session, cancellationToken);
                });
                return (version, point is null ? RestoredData.Compare(manifest.Tables, restored) : []);
            });

            IReadOnlyList<long> applied = [];
            var finalVersion = restoredVersion;
            if (migrate)
            {
                (applied, finalVersion) = await Step("apply pending migrations", async () =>
                {
                    await using var target = await MigrationTarget.OpenAsync(scratch.Context, cancellationToken);
                    var outcome = await target.Runner.MigrateAsync(target.Project, new MigrateOptions(), cancellationToken);
                    var ran = outcome.Ran.Select(r => r.Step.Migration.Version).ToList();
                    return ((IReadOnlyList<long>)ran, ran.Count > 0 ? ran[^1] : restoredVersion);
                });
            }

            var report = new RehearsalReport(manifest, steps, clock.Elapsed, restoredVersion, mismatches, applied, finalVersion, keep ? scratch.Directory : null) { Point = point };
            passed = report.Passed;
            return report;
        }
        finally
        {
            if (scratch.Keep)
            {
                progress.Report(new ProgressEvent("scratch", scratch.State is null
                    ? $"kept in {scratch.Directory}; delete that directory when done"
                    : $"kept in {scratch.Directory}; remove it with: orchestrator down -e {Path.Combine(scratch.Directory, "scratch.yaml")} --state-dir {scratch.StateDir} --purge", ProgressKind.Info));
            }
            else
            {
                await progress.StepAsync("scratch", passed ? "tear down the scratch node" : "tear down the scratch node (use --keep to inspect it)", async () => await scratch.DisposeAsync());
            }
        }
    }

    /// <summary>Replaces the scratch node's data with the backup's (replayed to a target, with <paramref name="replay"/>); a scratch file gets the backup loaded into it.</summary>
    private static async Task<RecoveryPoint?> RestoreIntoScratchAsync(
        ScratchEnvironment scratch, IEngine engine, string directory, BackupManifest manifest, ITopologyProgress progress, CancellationToken cancellationToken, ArchiveReplay? replay)
    {
        if (scratch.Topology is { } topology)
        {
            var (_, point) = await PrimaryRestore.IntoAsync(topology, engine, directory, manifest, progress, cancellationToken, replay, disposable: true);
            await topology.UpAsync(cancellationToken);
            return point;
        }

        var definition = scratch.Definition;
        var credentials = scratch.Context.Credentials;
        await engine.Backups.RestoreLogicalAsync(
            engine.AdminTarget(definition.Primary, credentials), definition.Database, directory, manifest, replicate: false, definition.Local, progress, cancellationToken);
        return null;
    }
}
