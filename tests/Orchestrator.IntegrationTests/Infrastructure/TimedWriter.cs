using System.Data.Common;
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
    private readonly IDbSession _session;
    private readonly Task<(int Writes, TimeSpan Longest)> _writing;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _stopped;

    // A thread of its own, with the driver's synchronous calls: the test process runs the command
    // in-process beside other tests, and an insert whose continuation waited for a pool thread
    // would be timed as if the server had made it wait.
    private TimedWriter(IDbSession session, string insert, long firstId)
    {
        _session = session;
        _writing = Task.Factory.StartNew(
            () => Write(session.Connection, insert, firstId, _stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>How long the writer has run: a test's phases, told on this clock, show where the longest insert fell.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>When the longest insert so far began, on <see cref="Elapsed"/>'s clock.</summary>
    public TimeSpan LongestAt { get; private set; }

    /// <param name="insert">An INSERT whose single positional parameter ($1, ?) is the row's id.</param>
    /// <param name="firstId">The first id written; each insert takes the next.</param>
    public static async Task<TimedWriter> StartAsync(TestTopology topology, string database, string insert, long firstId = 1) =>
        new(await topology.ConnectAsync("primary", database), insert, firstId);

    /// <summary>Stops the writer; how many rows it committed, and the longest a single insert took.</summary>
    public async Task<(int Writes, TimeSpan Longest)> StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            return await _writing;
        }
        finally
        {
            await CloseAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _writing;
        }
        catch (DbException)
        {
        }

        await CloseAsync();
        _stop.Dispose();
    }

    private async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _session.DisposeAsync();
        }
    }

    private (int, TimeSpan) Write(DbConnection connection, string insert, long firstId, CancellationToken stop)
    {
        using var command = connection.CreateCommand();
        command.CommandText = insert;
        var id = command.CreateParameter();
        command.Parameters.Add(id);
        var longest = TimeSpan.Zero;
        var writes = 0;
        while (!stop.IsCancellationRequested)
        {
            id.Value = firstId + writes;
            var began = _clock.Elapsed;
            command.ExecuteNonQuery();
            writes++;
            if (_clock.Elapsed - began > longest)
            {
                (longest, LongestAt) = (_clock.Elapsed - began, began);
            }

            stop.WaitHandle.WaitOne(20);
        }

        return (writes, longest);
    }
}
