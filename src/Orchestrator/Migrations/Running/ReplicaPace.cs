using System.Globalization;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// Decides, from the copy's heartbeats the replicas show, whether the next chunk of an online copy
/// may go and how long it may take on the primary. Each chunk commits a heartbeat; a replica that
/// shows heartbeat h has replayed every chunk up to h. From when a replica first shows a chunk,
/// the pace learns how much longer than the primary that replica takes to replay (its ratio), and
/// sizes chunks so that one replays in half the allowed lag. A chunk may go while a replica's lag
/// plus the chunk's expected replay stays within the limit: the replica then has at most the rest
/// of one chunk and this one to replay, each within half the limit.
/// </summary>
internal sealed class ReplicaPace(TimeSpan maxReplicaLag, TimeSpan chunkTime)
{
    /// <summary>What a replica that has not shown a chunk yet is assumed to need: as long as the primary took.</summary>
    private const double FirstRatio = 1.0;

    private readonly Dictionary<long, (TimeSpan At, TimeSpan Took)> _written = [];
    private readonly Dictionary<string, long> _shown = [];
    private readonly Dictionary<string, double> _ratio = [];
    private long _latest;

    /// <summary>The heartbeat the copy's state row holds when the run begins (an earlier run's last).</summary>
    public void Begin(long heartbeat) => _latest = heartbeat;

    /// <summary>A heartbeat committed at <paramref name="at"/> with a chunk whose statement took <paramref name="took"/> on the primary (zero for a state change without a chunk).</summary>
    public void Committed(long heartbeat, TimeSpan at, TimeSpan took)
    {
        _written[heartbeat] = (at, took);
        _latest = Math.Max(_latest, heartbeat);
    }

    /// <summary>How long the next chunk may take on the primary: the chunk time, less where a replica replays slower than the primary runs.</summary>
    public TimeSpan ChunkBudget
    {
        get
        {
            var slowest = _ratio.Count == 0 ? FirstRatio : Math.Max(FirstRatio, _ratio.Values.Max());
            var budget = TimeSpan.FromTicks((long)(maxReplicaLag.Ticks / 2 / slowest));
            return budget < chunkTime ? budget : chunkTime;
        }
    }

    /// <summary>
    /// Takes in what <paramref name="node"/> shows now (null: no heartbeat replayed yet) and returns
    /// why the next chunk must wait for it, or null when it may go as far as this replica goes.
    /// </summary>
    public string? WhyWait(string node, long? shown, TimeSpan now)
    {
        var seen = shown ?? -1;
        if (seen > _shown.GetValueOrDefault(node, -1))
        {
            _shown[node] = seen;
            if (_written.TryGetValue(seen, out var chunk) && chunk.Took > TimeSpan.Zero)
            {
                // Shown by now: an upper bound on its replay (the replica may have shown it earlier).
                var ratio = (now - chunk.At).TotalSeconds / chunk.Took.TotalSeconds;
                var known = _ratio.GetValueOrDefault(node, FirstRatio);
                // Up at once, down by halves: one quick chunk does not make a slow replica look fast.
                _ratio[node] = ratio >= known ? ratio : (known + ratio) / 2;
            }
        }

        if (seen >= _latest)
        {
            return null;
        }

        // Behind since the first heartbeat it has not shown was committed (or since this run began).
        var since = _written.TryGetValue(seen + 1, out var first) ? first.At : TimeSpan.Zero;
        var lag = now - since;
        var replay = ChunkBudget * Math.Max(FirstRatio, _ratio.GetValueOrDefault(node, FirstRatio));
        return lag + replay > maxReplicaLag
            ? string.Create(CultureInfo.InvariantCulture,
                $"replica {node} is {lag.TotalSeconds:0.0} s behind, and a chunk more would take it past migrations.max_replica_lag ({maxReplicaLag.TotalSeconds:0.0} s)")
            : null;
    }
}
