using Orchestrator.Local;

namespace Orchestrator.IntegrationTests.Infrastructure;

internal static class FreePorts
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Handed = [];

    /// <summary>
    /// Free ports outside the ephemeral range (see <see cref="PortProbe.FreePort"/>), never the same
    /// one twice in this test run, and below the range the tool takes scratch nodes' ports from:
    /// a test node that is down for a moment must not lose its port to a scratch node of another test.
    /// </summary>
    public static int[] Take(int count)
    {
        lock (Gate)
        {
            var ports = new int[count];
            for (var i = 0; i < count; i++)
            {
                ports[i] = PortProbe.FreePort(Handed, from: 10000, to: 20000);
                Handed.Add(ports[i]);
            }

            return ports;
        }
    }
}
