
using Orchestrator.Hosts.Local;

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

    /// <summary>A block of <paramref name="count"/> consecutive free ports (a shard template takes its ports that way); returns the first.</summary>
    public static int TakeBlock(int count)
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var first = PortProbe.FreePort(Handed, from: 10000, to: 20000 - count);
                var block = Enumerable.Range(first, count).ToList();
                if (block.All(p => !Handed.Contains(p) && !PortProbe.IsListening("127.0.0.1", p)))
                {
                    Handed.UnionWith(block);
                    return first;
                }
            }

            throw new InvalidOperationException($"no {count} consecutive free ports between 10000 and 19999");
        }
    }
}
