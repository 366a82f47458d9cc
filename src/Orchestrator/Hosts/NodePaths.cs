namespace Orchestrator.Hosts;

/// <summary>A node's directory, its data directory inside it, and its server log, as paths on its host.</summary>
public sealed record NodePaths(string NodeDir, string DataDir, string LogFile)
{
    public string InNode(string name) => $"{NodeDir.TrimEnd('/')}/{name}";

    public string InData(string name) => $"{DataDir.TrimEnd('/')}/{name}";
}
