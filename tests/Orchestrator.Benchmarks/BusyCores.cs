using System.Diagnostics;

namespace Orchestrator.Benchmarks;

/// <summary>
/// Other processes that keep cores busy while a scenario runs, as another workload on the same
/// machine would: shell loops that only spin. Stopped when disposed.
/// </summary>
internal sealed class BusyCores : IDisposable
{
    private readonly List<Process> _loops = [];

    public BusyCores(int cores)
    {
        for (var i = 0; i < cores; i++)
        {
            _loops.Add(Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })
                ?? throw new InvalidOperationException("sh did not start"));
        }
    }

    public int Count => _loops.Count;

    public void Dispose()
    {
        foreach (var loop in _loops)
        {
            try
            {
                loop.Kill();
                loop.WaitForExit();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            loop.Dispose();
        }
    }
}
