namespace Orchestrator.Chaos;

/// <summary>Polls a condition until it holds or a deadline passes; unlike <see cref="Poll"/> it answers instead of throwing, for a check that records the answer.</summary>
internal static class Eventually
{
    public static async Task<bool> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
