using System.Collections.Concurrent;
using Orchestrator.Data;
using Orchestrator.TestSupport;

namespace Orchestrator.Chaos;

/// <summary>
/// Asks a node whether it accepts writes by attempting one: an insert into the probe table inside
/// a transaction that is rolled back, so nothing is written and no replica waits. Any account's
/// refusal counts, whatever flag the server shows; a node that does not answer within a second
/// (stopped, frozen, cut off) is no answer. One session per node is kept between rounds.
/// </summary>
/// <param name="clock">The sampler's clock, on which each attempt's interval is given.</param>
internal sealed class WriteAttemptProbe(ChaosEnvironment environment, System.Diagnostics.Stopwatch clock)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, IDbSession> _sessions = new(StringComparer.Ordinal);
    private readonly string _insert = Writability.InsertId(environment.Definition.Engine, ChaosEnvironment.ProbeTable);

    /// <summary>
    /// True when <paramref name="node"/> took the write, false when it refused it, null when it did
    /// not answer; decided while the insert ran, not while a new session connected.
    /// </summary>
    public async Task<SamplingRounds.Answer> AcceptsAsync(string node)
    {
        _sessions.TryRemove(node, out var session);
        try
        {
            session ??= await BoundedSession.ConnectAsync(ct => environment.ConnectAsync(node, ct), AskTimeout);
            var (accepted, from, to) = await BoundedSession.CallAsync(session, AttemptAsync, AskTimeout);
            _sessions[node] = session;
            return new SamplingRounds.Answer(accepted, from, to);
        }
        catch (TimeoutException)
        {
            // A session given up on is closed once its call ends.
            return new SamplingRounds.Answer(null);
        }
        catch (Exception e) when (e is DatabaseException or InvalidOperationException)
        {
            // Refused at the connection, or the connection broke under the driver ("Connection is not open").
            if (session is not null)
            {
                await BoundedSession.CloseQuietlyAsync(session);
            }

            return new SamplingRounds.Answer(null);
        }
    }

    public async Task CloseAsync()
    {
        foreach (var node in _sessions.Keys)
        {
            if (_sessions.TryRemove(node, out var session))
            {
                await BoundedSession.CloseQuietlyAsync(session);
            }
        }
    }

    private async Task<(bool Accepted, TimeSpan From, TimeSpan To)> AttemptAsync(IDbSession session)
    {
        await session.ExecuteAsync("BEGIN");
        bool accepted;
        var from = clock.Elapsed;
        try
        {
            await session.ExecuteAsync(_insert, [1]);
            accepted = true;
        }
        catch (DatabaseException)
        {
            // Refused; if the session broke instead, the rollback below throws and the node did not answer.
            accepted = false;
        }

        var to = clock.Elapsed;
        await session.ExecuteAsync("ROLLBACK");
        return (accepted, from, to);
    }
}
