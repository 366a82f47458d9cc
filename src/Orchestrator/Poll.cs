
namespace Orchestrator;

/// <summary>Polls a condition until it holds or a deadline passes.</summary>
internal static class Poll
{
    /// <param name="interval">A fixed pause between attempts, for waits inside a write-refused window; by default the pause grows from 10 ms to 200 ms.</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describeFailure, CancellationToken cancellationToken, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = interval ?? TimeSpan.FromMilliseconds(10);
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new LocalProviderException(describeFailure());
            }

            await Task.Delay(delay, cancellationToken);
            if (interval is null)
            {
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 200));
            }
        }
    }
}
