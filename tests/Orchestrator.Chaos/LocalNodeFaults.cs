using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Hosts.Local;
using Orchestrator.State;

namespace Orchestrator.Chaos;

/// <summary>
/// Faults of a node on this machine. A server runs in a session of its own (the tool starts it
/// detached), so its process groups hold the server and every backend: a signal to the groups
/// reaches them all at once, as a crash or a freeze of the machine would.
/// </summary>
internal sealed class LocalNodeFaults(EnvironmentDefinition environment, StateLayout state) : INodeFaults
{
    private const int SigCont = 18;
    private const int SigStop = 19;

    private readonly HashSet<int> _stoppedGroups = [];

    public async Task<string> KillAsync(string node)
    {
        var (pids, groups) = Processes(node);
        Signal(groups, Libc.SigKill);
        await WaitUntilAsync(() => pids.All(p => !Libc.ProcessExists(p)), $"the killed server processes of '{node}' ({string.Join(' ', pids)}) are gone");
        return $"SIGKILL to process groups {string.Join(' ', groups)} of '{node}': {pids.Count} server processes gone";
    }

    public async Task<string> PauseAsync(string node)
    {
        var (pids, groups) = Processes(node);
        Signal(groups, SigStop);
        lock (_stoppedGroups)
        {
            _stoppedGroups.UnionWith(groups);
        }

        await WaitUntilAsync(() => pids.All(p => !Libc.ProcessExists(p) || State(p) == 'T'), $"the server processes of '{node}' ({string.Join(' ', pids)}) are stopped");
        return $"SIGSTOP to process groups {string.Join(' ', groups)} of '{node}': {pids.Count} server processes stopped";
    }

    public Task<string> ResumeAsync(string node)
    {
        int[] groups;
        lock (_stoppedGroups)
        {
            groups = [.. _stoppedGroups];
            _stoppedGroups.Clear();
        }

        Signal(groups, SigCont);
        return Task.FromResult(groups.Length == 0 ? "nothing was stopped" : $"SIGCONT to process groups {string.Join(' ', groups)}");
    }

    public Task<string> CutAsync(string node) => throw new NotSupportedException("a local node has no network of its own to be cut from");

    private (IReadOnlyList<int> Pids, IReadOnlyList<int> Groups) Processes(string node)
    {
        var pids = ProcessTable.WorkingIn(state.NodeDir(environment.Node(node)));
        if (pids.Count == 0)
        {
            throw new InvalidOperationException($"no server process of '{node}' runs: there is nothing to fault");
        }

        // Never our own group: a server started by a process of ours without a session would share it.
        var own = ProcessGroup(Environment.ProcessId);
        var groups = pids.Select(ProcessGroup).Where(g => g > 1 && g != own).Distinct().ToList();
        if (groups.Count == 0)
        {
            throw new InvalidOperationException($"the server processes of '{node}' ({string.Join(' ', pids)}) share this program's process group");
        }

        return (pids, groups);
    }

    private static void Signal(IEnumerable<int> groups, int signal)
    {
        foreach (var group in groups)
        {
            Libc.Kill(-group, signal);
        }
    }

    /// <summary>/proc/PID/stat is "pid (comm) state ppid pgrp ...": the fields after the last ')'.</summary>
    private static string[] StatFields(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    private static int ProcessGroup(int pid) => int.Parse(StatFields(pid)[2], CultureInfo.InvariantCulture);

    private static char State(int pid)
    {
        try
        {
            return StatFields(pid)[0][0];
        }
        catch (IOException)
        {
            return 'X';
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) =>
        Poll.UntilAsync(() => Task.FromResult(condition()), TimeSpan.FromSeconds(15), () => $"timed out waiting until {what}", CancellationToken.None);
}
