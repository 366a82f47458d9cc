using System.Globalization;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// Decides, from the copy's heartbeats the replicas show, whether the next chunk of an online copy
/// may go and how long it may take on the primary. Each chunk commits a heartbeat; a replica that
/// shows heartbeat h has replayed every chunk up to h. From when a replica shows chunks, the pace
/// learns how much longer than the primary it takes to replay them (its ratio), and sizes chunks
/// so that one replays in half the allowed lag. A chunk may go when the replica, having replayed
/// the chunks it has not shown yet at its ratio, would then be no further behind with this one than
/// the limit (a replica slower than the primary cannot fall behind chunk after chunk), and when
/// what it is behind now plus this chunk's replay is within the limit too.
/// </summary>
internal sealed class ReplicaPace(TimeSpan maxReplicaLag, TimeSpan chunkTime)
{
    /// <summary>What a replica that has not shown a chunk yet is assumed to need: as long as the primary took.</summary>
    private const double FirstRatio = 1.0;

    /// <summary>Chunks quicker than this say little about a replica's speed (round trips outweigh the work).</summary>
    private static readonly TimeSpan Telling = TimeSpan.FromMilliseconds(20);

    private readonly Dictionary<long, (TimeSpan At, TimeSpan Took)> _committed = [];
    private readonly Dictionary<string, (long Heartbeat, TimeSpan At)> _shown = [];
    private readonly Dictionary<string, double> _ratio = [];
    private long _latest;

    /// <summary>The heartbeat the copy's state row holds when the run begins (an earlier run's last).</summary>
    public void Begin(long heartbeat) => _latest = heartbeat;

    /// <summary>A heartbeat committed at <paramref name="at"/> with a chunk whose statement took <paramref name="took"/> on the primary (zero for a state change without a chunk).</summary>
    public void Committed(long heartbeat, TimeSpan at, TimeSpan took)
    {
        _committed[heartbeat] = (at, took);
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
        var before = _shown.GetValueOrDefault(node, (Heartbeat: -1L, At: TimeSpan.Zero));
        if (seen > before.Heartbeat)
        {
            Learn(node, before, seen, now);
            _shown[node] = (seen, now);
        }

        if (seen >= _latest)
        {
            return null;
        }

        // What it has not shown yet: behind since the first of it committed (or since this run
        // began), and done no sooner than that much work at its ratio after then.
        var ratio = Math.Max(FirstRatio, _ratio.GetValueOrDefault(node, FirstRatio));
        var since = _committed.TryGetValue(seen + 1, out var first) ? first.At : TimeSpan.Zero;
        var (queued, _) = Between(seen + 1, _latest);

        var remaining = since + queued * ratio - now;
        // The next chunk commits a budget from now and is replayed after the queue: its lag. A
        // replica that shows less than its ratio predicts (stopped, say) is as far behind as it
        // shows, and that bounds it too.
        var budget = ChunkBudget;
        var replay = budget * ratio;
        var next = (remaining > budget ? remaining - budget : TimeSpan.Zero) + replay;
        var behind = now - since;
        if (next <= maxReplicaLag && behind + replay <= maxReplicaLag)
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"replica {node} is {behind.TotalSeconds:0.0} s behind, and a chunk more would take it past migrations.max_replica_lag ({maxReplicaLag.TotalSeconds:0.0} s)");
    }

    /// <summary>
    /// The replica showed heartbeats after <paramref name="before"/> up to <paramref name="seen"/>
    /// by now: it replayed them since the later of their first commit and when it was seen to have
    /// the one before (an upper bound: it may have shown them earlier). Its ratio goes up at once
    /// and down by halves, so that one quick chunk does not make a slow replica look fast.
    /// </summary>
    private void Learn(string node, (long Heartbeat, TimeSpan At) before, long seen, TimeSpan now)
    {
        var (took, from) = Between(before.Heartbeat + 1, seen);
        if (from is not { } committed || took < Telling)
        {
            return;
        }

        var began = committed > before.At ? committed : before.At;
        var ratio = (now - began).TotalSeconds / took.TotalSeconds;
        var known = _ratio.GetValueOrDefault(node, FirstRatio);
        _ratio[node] = ratio >= known ? ratio : (known + ratio) / 2;
    }

    /// <summary>The primary's time for the chunks of heartbeats <paramref name="first"/> to <paramref name="last"/>, and when the earliest of them that this run committed was committed.</summary>
    private (TimeSpan Took, TimeSpan? FirstAt) Between(long first, long last)
    {
        var took = TimeSpan.Zero;
        TimeSpan? firstAt = null;
        for (var heartbeat = first; heartbeat <= last; heartbeat++)
        {
            if (_committed.TryGetValue(heartbeat, out var chunk))
            {
                took += chunk.Took;
                firstAt ??= chunk.At;
            }
        }

        return (took, firstAt);
    }
}
