using System.CommandLine;
using System.CommandLine.Invocation;

namespace Orchestrator.Cli;

/// <summary>
/// <c>--version</c>: the version backup manifests record (<see cref="ToolVersion"/>), not the entry
/// assembly's, which is the test host's when the command line runs in-process.
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(ToolVersion.Text);
        return ExitCodes.Ok;
    }
}
