namespace Orchestrator.Environments;

public enum NodeRole
{
    Primary,
    Replica,
}
