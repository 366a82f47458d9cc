using Orchestrator.Data;

namespace Orchestrator.TestSupport;

/// <summary>
/// Waits for a database call at most a while. A frozen server (SIGSTOP, docker pause) accepts the
/// TCP connection and then never answers, and the tool's sessions wait as long as a statement
/// takes, so a client that must keep going gives up on such a call: a session given up on is
/// closed whenever its call ends, never reused.
/// </summary>
internal static class BoundedSession
{
    /// <summary>Connects within <paramref name="timeout"/>, or throws <see cref="TimeoutException"/>; a session that arrives later is closed.</summary>
    public static async Task<IDbSession> ConnectAsync(Func<CancellationToken, Task<IDbSession>> connect, TimeSpan timeout)
    {
        var connecting = connect(CancellationToken.None);
        try
        {
            return await connecting.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            _ = connecting.ContinueWith(t => t.Result.DisposeAsync().AsTask(), TaskContinuationOptions.OnlyOnRanToCompletion);
            throw;
        }
    }

    /// <summary>Runs <paramref name="call"/> within <paramref name="timeout"/>; on timeout the session is abandoned (closed once the call ends) and <see cref="TimeoutException"/> thrown.</summary>
    public static async Task<T> CallAsync<T>(IDbSession session, Func<IDbSession, Task<T>> call, TimeSpan timeout)
    {
        var running = call(session);
        try
        {
            return await running.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Abandon(session, running);
            throw;
        }
    }

    /// <summary>Closes <paramref name="session"/> in the background once <paramref name="running"/> ends, whatever its result.</summary>
    public static void Abandon(IDbSession session, Task running) =>
        _ = running.ContinueWith(async _ => await CloseQuietlyAsync(session), TaskScheduler.Default).Unwrap();

    public static async Task CloseQuietlyAsync(IDbSession session)
    {
        try
        {
            await session.DisposeAsync();
        }
        catch (Exception e) when (e is DatabaseException or IOException or InvalidOperationException or TimeoutException)
        {
            // The server went away under the session: nothing is left to close.
        }
    }
}
