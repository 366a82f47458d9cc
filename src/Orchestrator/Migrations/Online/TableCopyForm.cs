using FluentMigrator;
using FluentMigrator.Expressions;
using Orchestrator.Data;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Online;

/// <summary>
/// The online form of a column type change on an existing table, for every engine: the change
/// moves out of the migration's transaction into an online table copy (<see cref="TableCopy"/>),
/// with the migration's own statements written again for the shadow table. Pure.
/// </summary>
internal static class TableCopyForm
{
    /// <summary>Brief locks only: to create the triggers and to swap; the rows are copied in chunks that lock only the rows they read.</summary>
    public static readonly StatementCost Cost = new("brief: to add the copy's triggers and to swap the tables", LockSpan.Brief, BlocksWrites: false, CopiesTable: true);

    /// <summary>The copy keeps its own state (<see cref="ITableCopies.ReadState"/>); this query is never asked.</summary>
    private static readonly SqlStatement KeepsItsOwnState = new("SELECT 'missing' AS state");

    /// <param name="split">The engine's split of the generator's SQL into statements.</param>
    /// <param name="withoutCopy">What runs when the table cannot be copied (<see cref="TableCopy.WithoutCopy"/>).</param>
    /// <returns>Null when the table's name leaves no room for the copy's names.</returns>
    public static OnlineForm? Of(AlterColumnExpression e, IMigrationGenerator generator, Func<string, IEnumerable<string>> split, string from, string to, IReadOnlyList<string> withoutCopy)
    {
        if (e.TableName.Length > TableCopy.MaxTableName)
        {
            return null;
        }

        var column = (FluentMigrator.Model.ColumnDefinition)e.Column.Clone();
        var shadowName = new TableCopy(e.SchemaName, e.TableName, e.Column.Name, [], "").Shadow;
        column.TableName = shadowName;
        var forShadow = split(generator.Generate(new AlterColumnExpression { SchemaName = e.SchemaName, TableName = shadowName, Column = column })).ToList();
        var change = $"column {e.Column.Name} of {e.TableName} from {from} to {to}";
        var copy = new TableCopy(e.SchemaName, e.TableName, e.Column.Name, forShadow, change) { WithoutCopy = withoutCopy };
        return new OnlineForm(
            e.TableName,
            [],
            [new OnlineStep($"-- online table copy: {change}", KeepsItsOwnState, null, Cost) { Copy = copy }],
            Defers: true,
            $"{change}: copied online into a new table after the transaction (triggers carry concurrent writes, each chunk waits for every replica), compared, then swapped in under a brief lock; writers go on (migrate refuses a table that cannot be copied online before the migration runs, and says why)");
    }
}
