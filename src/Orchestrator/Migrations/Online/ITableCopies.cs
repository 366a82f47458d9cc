using Orchestrator.Data;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Online;

/// <summary>The key a copy walks the table by (its single-column primary key) and the columns it carries, as the engine reads them.</summary>
/// <param name="KeyType">The key's type as the engine writes it, to compare a recorded key with the column.</param>
/// <param name="Columns">The shadow's columns that the table has too, with the shadow's type of each.</param>
internal sealed record CopyColumns(string Key, string KeyType, IReadOnlyList<(string Name, string Type)> Columns);

/// <summary>Where a copy stands, as its state row records it (see <see cref="ICopyStates.ReadState"/>).</summary>
/// <param name="Phase">preparing, copying, or done.</param>
/// <param name="LastKey">The key of the last row copied, as text; null before the first chunk.</param>
internal sealed record CopyState(string Phase, string? LastKey, long Rows);

/// <summary>
/// The state table of the online table copies: it lives beside the table and replicates, so its
/// heartbeat also tells how far each replica has replayed the copy.
/// </summary>
internal interface ICopyStates
{
    /// <summary>Creates the state table when missing.</summary>
    string CreateStateTable { get; }

    /// <summary>The copy's state row: phase, last_key, rows_copied, heartbeat.</summary>
    SqlStatement ReadState(long version, TableCopy copy);

    /// <summary>Writes the copy's state row with a new heartbeat (a number that only grows, which replicas replay).</summary>
    SqlStatement SaveState(long version, TableCopy copy, CopyState state, long heartbeat);

    /// <summary>The state rows of the version's copies: phase, table_schema, table_name, column_name.</summary>
    SqlStatement ReadCopies(long version);

    /// <summary>Forgets the version's copies (their rows), for one the version starts afresh or that was abandoned.</summary>
    SqlStatement ForgetCopies(long version);

    /// <summary>The single value <c>heartbeat</c> of the copy's state row (asked on each replica too).</summary>
    SqlStatement Heartbeat(long version, TableCopy copy);
}

/// <summary>
/// One engine's SQL for the online table copy (<see cref="TableCopy"/>); the runner sequences it.
/// Identifiers are quoted by the engine, values bound.
/// </summary>
internal interface ITableCopies
{
    /// <summary>Where each copy stands, in the state table.</summary>
    ICopyStates States { get; }

    /// <summary>One row: table_exists, shadow_exists, old_exists, each 0 or 1.</summary>
    SqlStatement Exists(TableCopy copy);

    /// <summary>Why the table cannot be copied online (no single-column primary key, tables or views that depend on it, triggers of its own), or null.</summary>
    Task<string?> RefusalAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken);

    /// <summary>The statements that make the shadow with the new shape and the triggers that carry writes to it.</summary>
    Task<IReadOnlyList<string>> PrepareAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken);

    /// <summary>Whether the prepare statements run in one transaction (schema changes are transactional).</summary>
    bool PrepareIsAtomic { get; }

    Task<CopyColumns> ColumnsAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken);

    /// <summary>The single value <c>bound</c>: the table's highest key now, as text (null when it is empty).</summary>
    SqlStatement LastKey(TableCopy copy, CopyColumns columns);

    /// <summary>The single value <c>bound</c>: the key (as text) of the <paramref name="rows"/>th row after <paramref name="after"/> up to <paramref name="end"/>, or of the last such row when fewer remain; null when none remain.</summary>
    SqlStatement NextBound(TableCopy copy, CopyColumns columns, string? after, string end, int rows);

    /// <summary>Copies the rows with keys after <paramref name="after"/> up to <paramref name="upTo"/>, locking them against concurrent change while they are read; rows the triggers carried already are kept.</summary>
    SqlStatement CopyChunk(TableCopy copy, CopyColumns columns, string? after, string upTo);

    /// <summary>The statements that open a chunk's transaction.</summary>
    IReadOnlyList<string> Begin { get; }

    /// <summary>One row from one snapshot: old_rows, new_rows, and differing (rows missing on either side or unequal once the old value is converted).</summary>
    SqlStatement Compare(TableCopy copy, CopyColumns columns);

    /// <summary>The statements that put the shadow in the table's place with what the table carries (sequences, names, grants), run in one transaction where the engine allows.</summary>
    Task<IReadOnlyList<SqlStatement>> SwapAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken);

    /// <summary>What finishes a swap: the original table (renamed aside) dropped, and what the copy created.</summary>
    IReadOnlyList<string> Finish(TableCopy copy);

    /// <summary>Removes the triggers and the shadow, leaving the table as it was.</summary>
    IReadOnlyList<string> Abandon(TableCopy copy);

    /// <summary>The single value <c>busy</c>: sessions running a statement on the server now, to pause the copy when the primary is overloaded.</summary>
    string Load { get; }
}
