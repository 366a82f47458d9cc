namespace Orchestrator.Servers;

/// <summary>
/// A primary's synchronous replication as its server reports it (PostgreSQL's synchronous
/// standbys, MariaDB's semi-synchronous replication).
/// </summary>
/// <param name="Waits">Commits wait for a synchronous replica's acknowledgement; false when none is asked for, or the primary fell back to asynchronous replication.</param>
/// <param name="Acknowledging">Replicas connected that acknowledge commits.</param>
/// <param name="WaitingCommits">Sessions whose commit waits for an acknowledgement right now.</param>
/// <param name="Stalled">Commits waited at two looks a moment apart, with nothing acknowledged and nothing more committed between them.</param>
internal sealed record SynchronousReplication(bool Waits, long Acknowledging, long WaitingCommits, bool Stalled = false);
