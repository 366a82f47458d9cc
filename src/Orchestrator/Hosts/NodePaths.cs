namespace Orchestrator.Hosts;

/// <summary>
/// A node's directory, its data directory inside it, its server log, and the directory where its
/// server creates its Unix sockets, as paths on its host.
/// </summary>
internal sealed record NodePaths(string NodeDir, string DataDir, string LogFile, string SocketDir)
{
    public string InNode(string name) => $"{NodeDir.TrimEnd('/')}/{name}";

    public string InData(string name) => $"{DataDir.TrimEnd('/')}/{name}";

    public string InSocketDir(string name) => $"{SocketDir.TrimEnd('/')}/{name}";
}
