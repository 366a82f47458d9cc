using FluentMigrator;
using FluentMigrator.Expressions;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Online;

/// <summary>
/// How one expression runs without holding a lock writers need while the table is scanned.
/// </summary>
/// <param name="Table">The table it changes: on a table created earlier in the run (empty) the expression runs as written.</param>
/// <param name="InPlace">What runs in the migration's transaction instead of the written statements (none when all of it moved after).</param>
/// <param name="After">What runs after the transaction committed, one statement at a time.</param>
/// <param name="Defers">The expression's effect exists only after the transaction: a later statement of the migration that needs it keeps it as written.</param>
/// <param name="Note">What the online form does, as plan shows it.</param>
internal sealed record OnlineForm(string Table, IReadOnlyList<MigrationStep> InPlace, IReadOnlyList<OnlineStep> After, bool Defers, string Note);

/// <summary>An engine's online forms of FluentMigrator's expressions.</summary>
internal interface IOnlineForms
{
    /// <summary>
    /// The online form of an expression whose written statements are <paramref name="written"/>, or
    /// null when it runs as written (nothing it does scans or rewrites under a lock, or the engine
    /// has no better way). <paramref name="generator"/> writes the engine's SQL for changed expressions;
    /// <paramref name="current"/> tells the columns' types before the run.
    /// </summary>
    OnlineForm? OnlineForm(IMigrationExpression expression, IReadOnlyList<MigrationStep> written, IMigrationGenerator generator, ColumnTypes current) => null;

    /// <summary>A query whose rows (table_name, column_name, column_type) are the database's columns, for <see cref="ColumnTypes"/>; null where no form needs them.</summary>
    string? ColumnTypesSql => null;

    /// <summary>The engine's online table copy, for changes no engine makes in place without blocking writers; null where it has none.</summary>
    ITableCopies? TableCopies => null;

    /// <summary>What a statement costs the existing table it changes, read from its text; null when the engine cannot tell (raw SQL it does not know).</summary>
    StatementCost? Cost(string statement) => null;
}
