using System.Globalization;
using System.Text.RegularExpressions;
using Orchestrator.Replication;

namespace Orchestrator.Engines.Postgres;

/// <summary>What a successful pg_rewind run says it did, read from its output (it reports nothing in any other form).</summary>
internal static partial class PgRewindOutput
{
    /// <summary>"servers diverged at WAL location X on timeline N": where the discarded history began.</summary>
    [GeneratedRegex(@"servers diverged at WAL location (?<lsn>[0-9A-Fa-f]+/[0-9A-Fa-f]+) on timeline (?<timeline>[0-9]+)")]
    private static partial Regex Diverged();

    public static RejoinOutcome Parse(string output)
    {
        if (output.Contains("no rewind required", StringComparison.OrdinalIgnoreCase))
        {
            return new RejoinOutcome(RejoinMethod.NoRewindRequired);
        }

        var diverged = Diverged().Match(output);
        return diverged.Success
            ? new RejoinOutcome(RejoinMethod.Rewound)
            {
                DivergedAt = diverged.Groups["lsn"].Value,
                DivergedOnTimeline = long.Parse(diverged.Groups["timeline"].Value, NumberStyles.None, CultureInfo.InvariantCulture),
            }
            : new RejoinOutcome(RejoinMethod.Rewound);
    }
}
