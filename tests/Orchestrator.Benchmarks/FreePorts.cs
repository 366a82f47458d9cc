
using Orchestrator.Hosts.Local;

namespace Orchestrator.Benchmarks;

internal static class FreePorts
{
    public static int[] Take(int count)
    {
        var taken = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            taken.Add(PortProbe.FreePort(taken));
        }

        return [.. taken];
    }
}
