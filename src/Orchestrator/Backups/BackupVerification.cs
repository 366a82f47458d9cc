using Orchestrator.Progress;
using Orchestrator.Environments;
using Orchestrator.Context;

namespace Orchestrator.Backups;

/// <summary>
/// The checks a backup passes before anything is restored from it: a readable manifest, the
/// environment's engine, every file present with its recorded size and SHA-256, and the
/// engine's own verification of physical backups.
/// </summary>
internal static class BackupVerification
{
    public static async Task VerifyAsync(EnvironmentContext context, string directory, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var (environment, progress) = (context.Definition, context.Progress);
        if (manifest.Engine != environment.Engine.ToText())
        {
            throw new BackupInvalidException($"{directory} is a {manifest.Engine} backup; environment '{environment.Name}' runs {environment.Engine.ToText()}");
        }

        // The step fails with the problems, so its line says so (✗) rather than passing first.
        await progress.StepAsync("backup", $"check {manifest.Files.Count} file{(manifest.Files.Count == 1 ? "" : "s")} ({Size(manifest.TotalBytes)}) against the manifest", async () =>
        {
            var problems = await BackupFiles.VerifyAsync(directory, manifest, cancellationToken);
            if (problems.Count > 0)
            {
                throw new BackupInvalidException(
                    $"the backup in {directory} is damaged or incomplete; nothing was restored:\n  " + string.Join("\n  ", problems.Take(20)) +
                    (problems.Count > 20 ? $"\n  ... and {problems.Count - 20} more" : ""));
            }
        });

        if (manifest.Kind == BackupKind.Physical)
        {
            await progress.StepAsync("backup", "engine verification of the physical copy", () =>
                context.Engine.Backups.VerifyAsync(directory, manifest, environment.Local, cancellationToken));
        }
    }

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
