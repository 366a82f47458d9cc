using Orchestrator.Environments;
using Orchestrator.Servers;
using Orchestrator.Hosts;

namespace Orchestrator.Topology;

/// <summary>The observed state of a whole environment, one row per node of its file.</summary>
internal sealed record EnvironmentStatus(string Environment, EngineKind Engine, ProviderKind Provider, IReadOnlyList<NodeStatus> Nodes)
{
    /// <summary>Why pending migrations could not be counted (the migrations did not load); null when they were.</summary>
    public string? MigrationsProblem { get; init; }

    public NodeStatus Node(string name) => Nodes.Single(n => n.Name == name);

    /// <summary>The nodes that answered as a primary: they accept writes.</summary>
    public IReadOnlyList<string> WritableNodes => Nodes.Where(n => n.Reachable && n.Role == ObservedRole.Primary).Select(n => n.Name).ToList();

    /// <summary>
    /// More than one node accepts writes (a fenced node promoted by hand, a replica detached and
    /// made writable): what one commits, the other never sees.
    /// </summary>
    public bool SplitBrain => WritableNodes.Count > 1;

    /// <summary>The nodes the tool's record says a failover fenced (none where the tool runs no servers).</summary>
    public IReadOnlyList<string> FencedNodes { get; init; } = [];

    /// <summary>What keeps the log archive from being current when a process other than the servers fills it (MariaDB's archiver stopped or behind); empty when all is well.</summary>
    public IReadOnlyList<string> ArchiverProblems { get; init; } = [];

    /// <summary>What the hosts of nodes that do not answer say about them (read only when asked for, see <see cref="StatusReader.ExplainHostsAsync"/>).</summary>
    public IReadOnlyList<HostNote> HostNotes { get; init; } = [];

    /// <summary>Every node answers in the role the file gives it, no replica is adrift, no two nodes accept writes, and commits wait for a synchronous replica exactly when the file says so and one acknowledges.</summary>
    public bool Healthy =>
        Nodes.All(n => n.Reachable && (int?)n.Role == (int)n.ExpectedRole) && !Nodes.Any(n => n.FollowsNobody || n.SynchronousLapsed || n.CommitsStuck || n.CommitsStalled || n.ArchiveFailing) && !SplitBrain && ArchiverProblems.Count == 0;

    /// <summary>The findings below the rows, in the order a reader should take them.</summary>
    public IReadOnlyList<StatusNote> Notes => StatusNotes.Of(this);
}
