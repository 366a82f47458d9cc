namespace Orchestrator.Environments;

internal enum NodeRole
{
    Primary,
    Replica,
}
