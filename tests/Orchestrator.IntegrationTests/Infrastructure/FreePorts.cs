using Orchestrator.Local;

namespace Orchestrator.IntegrationTests.Infrastructure;

internal static class FreePorts
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Handed = [];

    /// <summary>Free ports outside the ephemeral range (see <see cref="PortProbe.FreePort"/>), never the same one twice in this test run.</summary>
    public static int[] Take(int count)
    {
        lock (Gate)
        {
            var ports = new int[count];
            for (var i = 0; i < count; i++)
            {
                ports[i] = PortProbe.FreePort(Handed);
                Handed.Add(ports[i]);
            }

            return ports;
        }
    }
}
