using System.Globalization;
using Orchestrator.Data;

namespace Orchestrator.Chaos;

/// <summary>
/// The checks every run ends with, once the operator's recovery is done: the topology is healthy
/// and takes writes again; no acknowledged write is missing on the primary, and the replicas
/// converge to it; the sampler sampled and saw no two writable nodes; the fault landed after
/// acknowledged writes; every node shows the setup's schema version and `drift` finds nothing.
/// </summary>
internal static class RunChecks
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    /// <summary>Runs the checks and stops the writers and the sampler; the number of acknowledged writes missing on the primary.</summary>
    public static async Task<int> AfterRecoveryAsync(ChaosRun run)
    {
        var writer = run.Writer!;
        var sampler = run.Sampler!;
        var recovered = run.Clock.Elapsed;
        var (status, problem) = await new EnvironmentHealth(run.Environment).WaitHealthyAsync(run.Cli, TimeSpan.FromSeconds(60));
        run.Expect(problem is null, $"the topology is healthy after the recovery ({problem ?? "one primary, every other node replicating from it"})");
        var primary = status?.Primaries.Count == 1 ? status.Primaries[0] : null;
        if (primary is not null)
        {
            var resumed = await Eventually.HoldsAsync(() => Task.FromResult(writer.Acknowledged.Any(a => a.Node == primary && a.At > recovered)), TimeSpan.FromSeconds(30));
            run.Expect(resumed, $"the writers' commits are acknowledged by '{primary}' after the recovery");
        }

        await writer.StopAsync();
        await sampler.DisposeAsync();
        run.Transcript.Note($"writers: {writer.Count} acknowledged; the last ones by {writer.WritingTo ?? "nobody"}");
        run.Transcript.Note($"sampler: {sampler.Summary}");

        int lost;
        if (primary is not null)
        {
            lost = (await writer.MissingOnAsync(primary)).Count;
            run.Expect(lost == 0, $"every acknowledged write is on the primary '{primary}' ({lost} of {writer.Count} missing)");
        }
        else
        {
            // No primary to hold them: count what no reachable node has, rather than calling every write lost.
            lost = await MissingEverywhereAsync(run);
            run.Expect(false, $"every acknowledged write is on the primary (there is none; {lost} of {writer.Count} acknowledged writes are on no reachable node)");
        }

        foreach (var replica in run.Environment.Nodes.Where(n => n != primary && primary is not null))
        {
            var converged = await Eventually.HoldsAsync(() => SameRowsAsync(run, primary!, replica), Convergence);
            run.Expect(converged, $"'{replica}' converged: it holds every acknowledged write and as many rows as the primary");
        }

        run.Expect(sampler.SplitRounds.Count == 0, $"no sampling round found two nodes taking writes ({string.Join("; ", sampler.SplitRounds.Take(10))})");
        var landing = run.Landed;
        run.Expect(
            landing is not null && landing.CompleteRoundsBefore > 0 && sampler.CompleteRounds > landing.CompleteRoundsBefore,
            $"the sampler heard every node before the fault and after it ({landing?.CompleteRoundsBefore} complete rounds before, {sampler.CompleteRounds} in all)");
        run.Expect(landing is { AcknowledgedBefore: > 0 }, $"the fault landed after acknowledged writes ({landing?.AcknowledgedBefore.ToString(CultureInfo.InvariantCulture) ?? "it never landed"})");
        foreach (var timing in run.Timings)
        {
            var first = writer.Acknowledged.FirstOrDefault(a => a.Node == timing.NewPrimary && a.At >= timing.From);
            run.Expect(first is not null, string.Create(CultureInfo.InvariantCulture, $"the new primary '{timing.NewPrimary}' acknowledged a write after {timing.From.TotalSeconds:0.000}s ({(first is null ? "none" : $"after {(first.At - timing.From).TotalSeconds:0.000}s")})"));
        }

        var schema = status?.Nodes.Select(n => $"{n.Name} {n.SchemaVersion?.ToString(CultureInfo.InvariantCulture) ?? "none"} ({n.PendingMigrations?.ToString(CultureInfo.InvariantCulture) ?? "?"} pending)").ToList() ?? [];
        run.Expect(
            status is not null && status.Nodes.All(n => n.SchemaVersion == run.Environment.SchemaVersion && n.PendingMigrations == 0),
            $"every node shows schema version {run.Environment.SchemaVersion} with nothing pending ({string.Join(", ", schema)})");
        var drift = await run.Cli.RunAsync("drift", "-e", run.File);
        run.Expect(drift.ExitCode == 0, $"'drift' finds no difference between the replicas and the primary (exit {drift.ExitCode})");
        return lost;
    }

    private static async Task<int> MissingEverywhereAsync(ChaosRun run)
    {
        IEnumerable<long>? missing = null;
        foreach (var node in run.Environment.Nodes)
        {
            try
            {
                var onNode = await run.Writer!.MissingOnAsync(node);
                missing = missing is null ? onNode : missing.Intersect(onNode).ToList();
            }
            catch (DatabaseException)
            {
                // Unreachable: it can vouch for nothing.
            }
        }

        return (missing ?? run.Writer!.Acknowledged.Select(a => a.Id)).Count();
    }

    private static async Task<bool> SameRowsAsync(ChaosRun run, string primary, string replica)
    {
        try
        {
            var missing = await run.Writer!.MissingOnAsync(replica);
            return missing.Count == 0 && await CountAsync(run, primary) == await CountAsync(run, replica);
        }
        catch (DatabaseException)
        {
            return false;
        }
    }

    private static async Task<long> CountAsync(ChaosRun run, string node)
    {
        await using var session = await run.Environment.ConnectAsync(node, CancellationToken.None);
        return (await session.QueryAsync($"SELECT COUNT(*) AS n FROM {ChaosEnvironment.WritesTable}")).Single().GetInt64("n")!.Value;
    }
}
