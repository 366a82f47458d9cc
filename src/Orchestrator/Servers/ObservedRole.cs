namespace Orchestrator.Servers;

/// <summary>A node's role as its server reports it (pg_is_in_recovery, replica status), not as the file says.</summary>
internal enum ObservedRole
{
    Primary,
    Replica,
}
