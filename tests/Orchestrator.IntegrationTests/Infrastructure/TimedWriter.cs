using System.Diagnostics;
using Orchestrator.Data;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// Inserts into a table one row at a time on a session of its own, timing each insert: what a
/// writer of a busy table sees while a schema change runs.
/// </summary>
internal sealed class TimedWriter : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<(int Writes, TimeSpan Longest)> _writing;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    // On the thread pool, not xUnit's context: that runs every test's continuations on as many
    // threads as there are cores, so another test's blocking work would be timed as this insert's wait.
    private TimedWriter(IDbSession session, string insert, long firstId) => _writing = Task.Run(() => WriteAsync(session, insert, firstId, _stop.Token));

    /// <summary>How long the writer has run: a test's phases, told on this clock, show where the longest insert fell.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>When the longest insert so far began, on <see cref="Elapsed"/>'s clock.</summary>
    public TimeSpan LongestAt { get; private set; }

    /// <param name="insert">An INSERT whose single parameter is the row's id.</param>
    /// <param name="firstId">The first id written; each insert takes the next.</param>
    public static async Task<TimedWriter> StartAsync(TestTopology topology, string database, string insert, long firstId = 1) =>
        new(await topology.ConnectAsync("primary", database), insert, firstId);

    /// <summary>Stops the writer; how many rows it committed, and the longest a single insert took.</summary>
    public async Task<(int Writes, TimeSpan Longest)> StopAsync()
    {
        await _stop.CancelAsync();
        return await _writing;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _writing;
        }
        catch (DatabaseException)
        {
        }

        _stop.Dispose();
    }

    private async Task<(int, TimeSpan)> WriteAsync(IDbSession session, string insert, long firstId, CancellationToken stop)
    {
        await using (session)
        {
            var longest = TimeSpan.Zero;
            var writes = 0;
            while (!stop.IsCancellationRequested)
            {
                var began = _clock.Elapsed;
                await session.ExecuteAsync(insert, [firstId + writes], CancellationToken.None).ConfigureAwait(false);
                writes++;
                if (_clock.Elapsed - began > longest)
                {
                    (longest, LongestAt) = (_clock.Elapsed - began, began);
                }

                await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
            }

            return (writes, longest);
        }
    }
}
