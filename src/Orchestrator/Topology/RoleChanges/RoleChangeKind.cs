namespace Orchestrator.Topology.RoleChanges;

/// <summary>The operations that move the primary role or bring nodes back.</summary>
internal enum RoleChangeKind
{
    Switchover,
    Failover,
    Rejoin,
    Rebuild,
}

internal static class RoleChangeKindText
{
    /// <summary>The command's name, as printed and in the JSON's "operation".</summary>
    public static string CommandName(this RoleChangeKind kind) => kind switch
    {
        RoleChangeKind.Rebuild => "replica rebuild",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
