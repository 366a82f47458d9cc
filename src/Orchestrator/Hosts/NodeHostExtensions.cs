using Orchestrator.Environments;
using Orchestrator.Processes;

namespace Orchestrator.Hosts;

internal static class NodeHostExtensions
{
    /// <summary>Runs a program on the node's host as the service user; a non-zero exit is an error naming the command and its output.</summary>
    public static async Task<ProcessResult> RunCheckedAsync(this INodeProcesses host, NodeDefinition node, ProcessSpec spec, CancellationToken cancellationToken)
    {
        var result = await host.RunAsync(node, spec, cancellationToken);
        return result.ExitCode == 0 ? result : throw new ProcessFailedException(ProcessRunner.Describe(spec, result));
    }
}
