namespace Orchestrator.Migrations.Translation;

/// <summary>
/// A change to an existing table that no engine makes in place without blocking its writers (a
/// column type change), made instead by copying the table online: a shadow table with the new
/// shape, triggers that carry concurrent writes, a chunked copy that waits for the replicas, a
/// comparison, then a swap under a brief lock. The names of the shadow and of what the copy adds
/// derive from the table's, so a rerun finds what an interrupted one left.
/// </summary>
/// <param name="Schema">The table's schema where the engine has them and the migration named one.</param>
/// <param name="Column">The column whose type changes; with the migration's version and the table, it names the copy's state.</param>
/// <param name="ShadowChanges">The migration's statements for this change, written for the shadow table.</param>
/// <param name="Change">What changes, for plan and progress (the column and its new type).</param>
internal sealed record TableCopy(string? Schema, string Table, string Column, IReadOnlyList<string> ShadowChanges, string Change)
{
    /// <summary>
    /// What runs instead when the table cannot be copied online (no single-column primary key,
    /// foreign keys that reference it, ...): the change as the engine's online form without a copy
    /// would run it (PostgreSQL: as written, writers waiting; MariaDB: in place, or refused).
    /// </summary>
    public IReadOnlyList<string> WithoutCopy { get; init; } = [];

    /// <summary>Room left under both engines' 63/64-character identifier limits for the suffixes below.</summary>
    public const int MaxTableName = 52;

    public string Shadow => $"{Table}__oc_new";

    /// <summary>The original table after the swap, until it is dropped (MariaDB renames both in one statement).</summary>
    public string Old => $"{Table}__oc_old";

    /// <summary>PostgreSQL: the keys of rows deleted while the copy runs, so the swap can remove what a writer's older snapshot kept its trigger from deleting.</summary>
    public string Gone => $"{Table}__oc_gone";

    /// <summary>The prefix of the triggers (and PostgreSQL's trigger function) that carry writes to the shadow.</summary>
    public string Sync => $"{Table}__oc_sync";
}
