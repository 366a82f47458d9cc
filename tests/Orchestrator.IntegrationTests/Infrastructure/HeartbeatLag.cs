using Orchestrator.Data;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// How far a replica falls behind while something runs: the primary's clock written into a
/// heartbeat row every 100 ms, its age read on the replica every 50 ms (one machine, one clock).
/// Independent of what the tool measures itself.
/// </summary>
internal sealed class HeartbeatLag : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _beating;
    private readonly Task<(TimeSpan Highest, int Samples)> _sampling;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>When the highest lag so far was seen, since the start: to tell which phase of a test it belongs to.</summary>
    public TimeSpan HighestAt { get; private set; }

    /// <summary>Since the start, on the same clock as <see cref="HighestAt"/>.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    private HeartbeatLag(IDbSession primary, IDbSession replica, string beat, string age)
    {
        _beating = Task.Run(() => BeatAsync(primary, beat, _stop.Token));
        _sampling = Task.Run(() => SampleAsync(replica, age, at => HighestAt = at, _stop.Token));
    }

    /// <param name="sql">The heartbeat table's creation (statements separated by "; "), the beat, and the age query (column lag, seconds).</param>
    public static async Task<HeartbeatLag> StartAsync(TestTopology topology, string database, string replica, (string Create, string Beat, string Age) sql)
    {
        var primary = await topology.ConnectAsync("primary", database);
        foreach (var statement in sql.Create.Split("; "))
        {
            await primary.ExecuteAsync(statement);
        }

        // Sampling starts once the replica is caught up (a fill before may still be replaying there).
        var session = await topology.ConnectAsync(replica, database);
        await Poll.UntilAsync(
            async () =>
            {
                await primary.ExecuteAsync(sql.Beat);
                return await TryAgeAsync(session, sql.Age) is < 0.5;
            },
            TimeSpan.FromSeconds(60),
            () => $"{replica} never caught up with the heartbeat",
            CancellationToken.None);
        return new HeartbeatLag(primary, session, sql.Beat, sql.Age);
    }

    /// <summary>The highest age the replica showed; fails when it was never sampled.</summary>
    public async Task<TimeSpan> StopAsync()
    {
        await _stop.CancelAsync();
        await _beating;
        var (highest, samples) = await _sampling;
        return samples > 0 ? highest : throw new InvalidOperationException("the replica's heartbeat was never sampled");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_beating, _sampling);
        }
        catch (DatabaseException)
        {
        }

        _stop.Dispose();
    }

    private static async Task BeatAsync(IDbSession primary, string beat, CancellationToken stop)
    {
        await using (primary)
        {
            while (!stop.IsCancellationRequested)
            {
                await primary.ExecuteAsync(beat, cancellationToken: CancellationToken.None).ConfigureAwait(false);
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task<(TimeSpan, int)> SampleAsync(IDbSession replica, string age, Action<TimeSpan> highestAt, CancellationToken stop)
    {
        await using (replica)
        {
            var highest = 0.0;
            var samples = 0;
            while (!stop.IsCancellationRequested)
            {
                if (await TryAgeAsync(replica, age).ConfigureAwait(false) is { } seconds)
                {
                    if (seconds > highest)
                    {
                        highest = seconds;
                        highestAt(_clock.Elapsed);
                    }

                    samples++;
                }

                await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
            }

            return (TimeSpan.FromSeconds(highest), samples);
        }
    }

    /// <summary>The heartbeat's age, or null while the replica cannot say (its replay of a schema change holds the read).</summary>
    private static async Task<double?> TryAgeAsync(IDbSession replica, string age)
    {
        try
        {
            return (await replica.QueryAsync(age).ConfigureAwait(false)).SingleOrDefault()?.GetDouble("lag");
        }
        catch (DatabaseException)
        {
            return null;
        }
    }
}
