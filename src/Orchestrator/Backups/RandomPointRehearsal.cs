using Orchestrator.Context;
using Orchestrator.Replication;

namespace Orchestrator.Backups;

/// <summary>One target of <c>rehearse --random-points</c>: where replay stopped, and whether that is exactly the target.</summary>
internal sealed record RandomPointResult(RecoveryTarget Target, RehearsalReport Report)
{
    /// <summary>The last transaction applied committed at or before the target, and the first after it (if any) after the target.</summary>
    public bool Exact => Report.Point is { } point && Target.Time is { } at
        && (point.LastCommitAt is not { } last || last <= at)
        && (point.FirstAfter is not { } next || next.CommittedAt > at);
}

/// <summary>
/// <c>rehearse --random-points N</c>: N point-in-time rehearsals to moments drawn at random between
/// the backup's completion and the archive's newest commit, each proven exact or not.
/// </summary>
internal static class RandomPointRehearsal
{
    public const int MaxPoints = 50;

    public static async Task<IReadOnlyList<RandomPointResult>> RunAsync(EnvironmentContext context, string backupDirectory, int count, CancellationToken cancellationToken)
    {
        if (count is < 1 or > MaxPoints)
        {
            throw new BackupRefusedException($"--random-points takes from 1 to {MaxPoints} targets, not {count}");
        }

        var directory = Path.GetFullPath(backupDirectory);
        var manifest = await BackupManifest.ReadAsync(directory, cancellationToken);
        var (from, to) = await PointInTimeRestore.WindowAsync(context, directory, manifest, cancellationToken);
        var span = to - from;
        var results = new List<RandomPointResult>();
        foreach (var offset in Enumerable.Range(0, count).Select(_ => span * Random.Shared.NextDouble()).Order())
        {
            var moment = from + offset;
            var target = RecoveryTarget.Parse(RecoveryTargetKind.Time, moment.ToString("O", System.Globalization.CultureInfo.InvariantCulture), inclusive: true, out _)!;
            var report = await Rehearsal.RunAsync(context, directory, migrate: false, keep: false, cancellationToken, target);
            results.Add(new RandomPointResult(target, report));
        }

        return results;
    }
}
