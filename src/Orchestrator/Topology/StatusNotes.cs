using Orchestrator.Migrations.Running;
using Orchestrator.Servers;

namespace Orchestrator.Topology;

/// <summary>The notes an environment's status carries below its rows, decided from the status alone.</summary>
internal static class StatusNotes
{
    public static IReadOnlyList<StatusNote> Of(EnvironmentStatus status)
    {
        var notes = new List<StatusNote>();
        if (status.MigrationsProblem is { } problem)
        {
            notes.Add(new StatusNote(StatusNoteKind.MigrationsNotCounted, [], $"pending migrations not counted: {problem}"));
        }

        notes.AddRange(status.HostNotes.Select(h => new StatusNote(StatusNoteKind.Host, h.Node is null ? [] : [h.Node], h.Text)));

        // The replicas replay the same records: the primary's say it once.
        foreach (var (node, migration) in status.Nodes.Where(n => n.Role == ObservedRole.Primary).SelectMany(n => n.InProgressMigrations.Select(m => (n.Name, m))))
        {
            notes.Add(new StatusNote(
                StatusNoteKind.MigrationInProgress,
                [node],
                $"migration {migration.Version} on '{node}' is partly applied ({migration.Describe()}): a migrate is running it now, or one failed or was killed. Run migrate to finish it (it goes on where it stopped); 'history' shows it."));
        }
        var writable = status.WritableNodes;
        if (status.SplitBrain)
        {
            notes.Add(new StatusNote(
                StatusNoteKind.SplitBrain,
                writable,
                $"{string.Join(" and ", writable.Select(n => $"'{n}'"))} all accept writes, and what one commits the others never see. Stop writing to all but one (the one your clients should use), then 'rejoin' or 'replica rebuild' the others; a node fenced by a failover that was promoted by hand keeps its fence, so 'rejoin' or 'replica rebuild' it."));
        }

        foreach (var node in status.FencedNodes.Where(f => !writable.Contains(f)))
        {
            notes.Add(new StatusNote(
                StatusNoteKind.Fenced,
                [node],
                $"'{node}' was fenced by a failover and stays down: run 'rejoin {node}' to make it a replica of the new primary (or 'replica rebuild {node}' to clone it afresh)."));
        }

        foreach (var node in status.Nodes.Where(n => n.FollowsNobody))
        {
            notes.Add(new StatusNote(
                StatusNoteKind.FollowsNobody,
                [node.Name],
                $"replica '{node.Name}' follows no source at the moment ({node.ReplicationState}); if that lasts, 'rejoin {node.Name}' makes it follow the primary again (or 'replica rebuild {node.Name}' clones it afresh)."));
        }

        foreach (var node in status.Nodes.Where(n => n.SynchronousLapsed))
        {
            notes.Add(new StatusNote(
                StatusNoteKind.SynchronousLapsed,
                [node.Name],
                $"commits on '{node.Name}' do not wait for a synchronous replica, although the environment file makes one synchronous: a failover now can lose acknowledged writes. The primary fell back to asynchronous replication (or was started without it); run 'up' to make it wait again."));
        }

        foreach (var node in status.Nodes.Where(n => n.CommitsStuck))
        {
            notes.Add(new StatusNote(
                StatusNoteKind.CommitsStuck,
                [node.Name],
                $"{node.Synchronous!.WaitingCommits} commit(s) on '{node.Name}' wait for a synchronous replica to acknowledge them, and none is connected: writes hang until one is. Start it ('up'), or list a second synchronous replica in the file for availability."));
        }

        foreach (var node in status.Nodes.Where(n => n.CommitsStalled))
        {
            notes.Add(new StatusNote(
                StatusNoteKind.CommitsStalled,
                [node.Name],
                $"{node.Synchronous!.WaitingCommits} commit(s) on '{node.Name}' wait and make no progress, although {node.Synchronous.Acknowledging} synchronous replica(s) are connected: writes hang. " +
                "Either the replica is far behind and still receiving, or it already holds the waiting commits and the server did not count its connection as their acknowledgement (MariaDB, after a replica received them through another node). " +
                "Run 'up': it reconnects such a replica so that they complete."));
        }

        foreach (var node in status.Nodes.Where(n => n.ArchiveFailing))
        {
            var archive = node.Archive!;
            var since = archive.LastArchivedAt is { } last ? $"its last success was {archive.LastArchivedFile} at {last:yyyy-MM-dd HH:mm:ss} UTC" : "it has archived nothing yet";
            notes.Add(new StatusNote(
                StatusNoteKind.ArchiveFailing,
                [node.Name],
                $"'{node.Name}' fails to archive its WAL: {archive.LastFailedFile} failed at {archive.LastFailedAt:yyyy-MM-dd HH:mm:ss} UTC ({archive.FailedCount} failure(s) so far), and {since}. " +
                "A point-in-time restore cannot reach past the gap, and the node keeps the WAL until it is archived: see its server log for the archive command's error (a full or unwritable archive folder, or a different copy of the segment already there)."));
        }

        foreach (var archiving in status.ArchiverProblems)
        {
            notes.Add(new StatusNote(StatusNoteKind.ArchiveFailing, [], archiving));
        }

        foreach (var node in status.Nodes.Where(n => n.CertificateExpiring))
        {
            notes.Add(new StatusNote(
                StatusNoteKind.CertificateExpiring,
                [node.Name],
                $"the certificate of '{node.Name}' {(node.CertificateNotAfter < DateTimeOffset.UtcNow ? "ended" : "ends")} on {node.CertificateNotAfter:yyyy-MM-dd HH:mm} UTC: run 'up', which issues a new one and restarts nothing that already presents a valid one (a server reads a new certificate when it next starts)."));
        }

        var moved = status.Nodes.Where(n => n.Reachable && ((int?)n.Role != (int)n.ExpectedRole || (n.ReplicatingFrom is not null && n.ReplicatingFrom != n.ExpectedSource))).Select(n => n.Name).ToList();
        if (moved.Count > 0)
        {
            notes.Add(new StatusNote(
                StatusNoteKind.ShapeDiffers,
                moved,
                status.FencedNodes.Count > 0
                    ? "the servers' shape differs from the environment file (marked above), after a failover. Once the fenced node has rejoined, switch back, or edit the file to the new shape."
                    : "the servers' shape differs from the environment file (marked above), after a switchover or failover. Switch back, or edit the file to the new shape."));
        }

        return notes;
    }
}
