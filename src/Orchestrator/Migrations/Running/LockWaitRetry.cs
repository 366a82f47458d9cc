using System.Globalization;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Progress;
using Polly;
using Polly.Retry;

namespace Orchestrator.Migrations.Running;

/// <summary>What a migrate run needs for its lock discipline: the engine's way, the environment's limits, and a second session to ask who blocks.</summary>
internal sealed record LockWaitSetup(ILockWaits Waits, LockDiscipline Discipline, Func<CancellationToken, Task<IDbSession>> OpenObserver);

/// <summary>
/// The lock discipline of one migrate run on the primary's session: every lock wait of the
/// session gives up after the environment's lock timeout, the work that gave up runs again after
/// a jittered, growing pause (up to the environment's retries), and while a statement waits, the
/// sessions it waits for are named on the progress stream and in the final error.
/// </summary>
internal sealed class LockWaitRetry : IAsyncDisposable
{
    /// <summary>
    /// Thrown by an attempt whose lock wait gave up (or, for an online copy's steps, that the server
    /// rolled back to end a deadlock) after it made sure the next attempt can resume: the only
    /// failure that is tried again.
    /// </summary>
    public sealed class GaveUp(DatabaseException error) : Exception(error.Message, error)
    {
        public DatabaseException Error => error;
    }

    /// <summary>How often a waiting statement's blockers are read again.</summary>
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(500);

    private readonly ILockWaits _waits;
    private readonly LockDiscipline _discipline;
    private readonly ITopologyProgress _progress;
    private readonly Func<CancellationToken, Task<IDbSession>> _openObserver;
    private readonly long _sessionId;
    private readonly ResiliencePipeline _pipeline;
    private Task<IDbSession>? _observer;
    private IReadOnlyList<LockBlocker> _blockers = [];
    private string _what = "";

    private LockWaitRetry(ILockWaits waits, LockDiscipline discipline, ITopologyProgress progress, Func<CancellationToken, Task<IDbSession>> openObserver, long sessionId)
    {
        _waits = waits;
        _discipline = discipline;
        _progress = progress;
        _openObserver = openObserver;
        _sessionId = sessionId;
        _pipeline = discipline.Retries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<GaveUp>(),
                MaxRetryAttempts = discipline.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(250),
                MaxDelay = TimeSpan.FromSeconds(10),
                OnRetry = args =>
                {
                    _progress.Report(new ProgressEvent("migrations", string.Create(
                        CultureInfo.InvariantCulture,
                        $"{_what}: {Cause(args.Outcome.Exception)}; trying again in {args.RetryDelay.TotalSeconds:0.0} s (retry {args.AttemptNumber + 1} of {_discipline.Retries})"),
                        ProgressKind.Info));
                    return ValueTask.CompletedTask;
                },
            }).Build();
    }

    /// <summary>
    /// Bounds the session's lock waits; null for an engine whose waits the tool does not bound.
    /// <paramref name="openObserver"/> opens another session to the same database, once, when a
    /// statement first waits long enough to be worth naming its blockers.
    /// </summary>
    public static async Task<LockWaitRetry?> StartAsync(
        IDbSession session, ILockWaits waits, LockDiscipline discipline, ITopologyProgress progress, Func<CancellationToken, Task<IDbSession>> openObserver, CancellationToken cancellationToken)
    {
        var bounds = waits.BoundWaits(discipline.Timeout);
        if (bounds.Count == 0)
        {
            return null;
        }

        foreach (var bound in bounds)
        {
            await session.QueryAsync(bound.Sql, bound.Parameters, cancellationToken);
        }

        var id = Convert.ToInt64((await session.QueryAsync(waits.SessionIdSql, cancellationToken: cancellationToken)).Single().Values.Values.Single(), CultureInfo.InvariantCulture);
        return new LockWaitRetry(waits, discipline, progress, openObserver, id);
    }

    public bool IsLockTimeout(DatabaseException error) => _waits.IsLockTimeout(error);

    public bool IsDeadlock(DatabaseException error) => _waits.IsDeadlock(error);

    /// <summary>
    /// Runs <paramref name="attempt"/> and, when it throws <see cref="GaveUp"/>, runs it again
    /// after a pause. The attempt itself knows where to resume (the whole transaction again, or
    /// the statement that gave up). When the retries run out, the lock timeout is thrown as a
    /// <see cref="DatabaseException"/> that names what held the lock and what to do.
    /// </summary>
    public async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        _what = what;
        _blockers = [];
        try
        {
            return await _pipeline.ExecuteAsync(
                async token =>
                {
                    using var watching = CancellationTokenSource.CreateLinkedTokenSource(token);
                    var watch = WatchAsync(watching.Token);
                    try
                    {
                        return await attempt(token);
                    }
                    finally
                    {
                        await watching.CancelAsync();
                        await watch;
                    }
                },
                cancellationToken);
        }
        catch (GaveUp gaveUp)
        {
            var e = gaveUp.Error;
            var tries = _discipline.Retries + 1;
            if (_waits.IsDeadlock(e))
            {
                throw new DatabaseException(
                    $"{e.Message}: {tries} {(tries == 1 ? "try" : "tries")}, the last ended in a deadlock with another session. Run the command again when the writes that collide with it are fewer",
                    e.Code,
                    e,
                    e.StatementIndex);
            }

            throw new DatabaseException(
                $"{e.Message}: {tries} {(tries == 1 ? "try" : "tries")} each gave up waiting {Describe(_discipline.Timeout)} for a lock{HeldBy()}. " +
                "End that session's transaction (or wait until it ends) and run the command again; 'migrations.lock_timeout' and 'migrations.lock_retries' in the environment file set how long to wait",
                e.Code,
                e,
                e.StatementIndex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_observer is { IsCompletedSuccessfully: true } opened)
        {
            await (await opened).DisposeAsync();
        }
    }

    /// <summary>From half the lock timeout on (a wait that short is no news), reads who blocks the session until the attempt ends.</summary>
    private async Task WatchAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(TimeSpan.FromTicks(Math.Min(_discipline.Timeout.Ticks / 2, WatchInterval.Ticks)), stop);
            while (!stop.IsCancellationRequested)
            {
                _observer ??= _openObserver(CancellationToken.None);
                // Not cancelled with the attempt: a query cut off half-way could leave the observer's connection unusable.
                var blockers = await _waits.BlockersAsync(await _observer, _sessionId, CancellationToken.None);
                if (blockers.Count > 0 && !blockers.Select(b => b.Session).SequenceEqual(_blockers.Select(b => b.Session)))
                {
                    _progress.Report(new ProgressEvent("migrations", $"{_what}: waiting for a lock{HeldBy(blockers)}", ProgressKind.Info));
                }

                if (blockers.Count > 0)
                {
                    _blockers = blockers;
                }

                await Task.Delay(WatchInterval, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is DatabaseException or InvalidOperationException or IOException or TimeoutException)
        {
            // Naming the blocker is a courtesy: the migration goes on without it.
        }
    }

    private string HeldBy() => HeldBy(_blockers);

    /// <summary>What ended the attempt that is tried again: a deadlock the server broke, or the lock timeout.</summary>
    private string Cause(Exception? failure) => failure is GaveUp gaveUp && _waits.IsDeadlock(gaveUp.Error)
        ? "the server rolled it back to end a deadlock with another session"
        : $"a lock wait gave up after {Describe(_discipline.Timeout)}{HeldBy()}";

    private static string HeldBy(IReadOnlyList<LockBlocker> blockers) => blockers.Count switch
    {
        0 => "",
        1 => $" held by {blockers[0]}",
        _ => $" held by one of: {string.Join("; ", blockers)}",
    };

    private static string Describe(TimeSpan timeout) =>
        timeout < TimeSpan.FromSeconds(1) ? $"{timeout.TotalMilliseconds:0} ms" : string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalSeconds:0.#} s");
}
