using Orchestrator.Data;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// Keeps asking the primary whether it still answers while the replicas replay what it committed.
/// A primary that died (killed, its host gone) or froze never sends the replicas the rest, so
/// waiting for them would only run into the replay timeout before anyone can fail over.
/// </summary>
internal static class PrimaryWatch
{
    /// <summary>How long a wait goes unwatched: replicas usually replay within it, and then the primary is not asked at all.</summary>
    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a living primary may take to answer a trivial query; a busy server still does.</summary>
    public static TimeSpan AnswerWithin { get; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="wait"/>, asking <paramref name="primary"/> once per <see cref="Interval"/>
    /// whether it answers; when it does not, the wait is cancelled and the problem returned instead.
    /// </summary>
    /// <returns>The wait's result, or what became of the primary (Problem set, Result default).</returns>
    public static async Task<(T? Result, string? Problem)> WhileAnsweringAsync<T>(
        IDbSession primary, Func<CancellationToken, Task<T>> wait, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waiting = wait(stop.Token);
        while (await Task.WhenAny(waiting, Task.Delay(Interval, cancellationToken)) != waiting)
        {
            if (await ProblemAsync(primary, cancellationToken) is { } problem)
            {
                await stop.CancelAsync();
                try
                {
                    await waiting;
                }
                catch (Exception e) when (e is OperationCanceledException or DatabaseException)
                {
                    // The wait was given up on; its outcome no longer matters.
                }

                return (default, problem);
            }
        }

        return (await waiting, null);
    }

    private static async Task<string?> ProblemAsync(IDbSession primary, CancellationToken cancellationToken)
    {
        // Not cancelled when late: a frozen server would not answer the cancellation either. The
        // session is given up with the run, and what still uses it fails at once (it is busy).
        var probe = primary.QueryAsync("SELECT 1 AS alive", cancellationToken: cancellationToken);
        try
        {
            if (await Task.WhenAny(probe, Task.Delay(AnswerWithin, cancellationToken)) != probe)
            {
                return $"stopped answering (nothing within {AnswerWithin.TotalSeconds:0} s)";
            }

            await probe;
            return null;
        }
        catch (DatabaseException e)
        {
            return $"went away ({e.Message})";
        }
    }
}
