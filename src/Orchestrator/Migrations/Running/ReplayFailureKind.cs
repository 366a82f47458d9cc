namespace Orchestrator.Migrations.Running;

/// <summary>Why a replica did not confirm a migration.</summary>
internal enum ReplayFailureKind
{
    /// <summary>It did not replay the primary's position within the replay timeout (lagging or not replicating).</summary>
    NotReplayedInTime,

    /// <summary>It replayed the position but shows no version row for the migration.</summary>
    NoVersionRow,

    /// <summary>It could not be reached.</summary>
    Unreachable,
}
