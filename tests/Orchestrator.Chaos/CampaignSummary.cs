using System.Globalization;
using Orchestrator.Chaos.Faults;

namespace Orchestrator.Chaos;

/// <summary>The campaign's closing line, which scripts read: runs, faults, acknowledged and lost writes, split-brain rounds, role-change times.</summary>
internal static class CampaignSummary
{
    public static string Line(IReadOnlyList<RunResult> results, IReadOnlyList<Fault> faults)
    {
        var counts = faults.Select(f => $"{f.Name}: {results.Count(r => r.Fault == f.Name)}");
        return string.Create(CultureInfo.InvariantCulture,
            $"runs {results.Count}, faults {{{string.Join(", ", counts)}}}, acknowledged {results.Sum(r => r.Acknowledged)}, lost {results.Sum(r => r.Lost)}, " +
            $"split-brain rounds {results.Sum(r => r.SplitRounds)}, failover p50/p95/max {Percentiles(results.SelectMany(r => r.Failovers))} s, " +
            $"switchover p50/p95/max {Percentiles(results.SelectMany(r => r.Switchovers))} s, " +
            $"failover from its command p50/p95/max {Percentiles(results.SelectMany(r => r.FailoverCommands))} s");
    }

    /// <summary>
    /// Where the faults that strike a command struck it, one line per fault: each step with the
    /// number of runs it was interrupted in. Printed before the summary line.
    /// </summary>
    public static IEnumerable<string> StepCoverage(IReadOnlyList<RunResult> results) =>
        results.Where(r => r.Step is not null)
            .GroupBy(r => r.Fault)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"coverage {g.Key}: " + string.Join("; ", g.GroupBy(r => r.Step!).OrderByDescending(s => s.Count()).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} ×{s.Count()}")));

    /// <summary>"p50/p95/max" in seconds by nearest rank, or "-/-/-" when nothing was timed.</summary>
    public static string Percentiles(IEnumerable<TimeSpan> durations)
    {
        var sorted = durations.Select(d => d.TotalSeconds).Order().ToList();
        if (sorted.Count == 0)
        {
            return "-/-/-";
        }

        double Rank(double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"{Rank(0.50):0.0}/{Rank(0.95):0.0}/{sorted[^1]:0.0}");
    }
}
