using FluentMigrator.Expressions;

namespace Orchestrator.Migrations.Translation;

/// <summary>The names a migration's expressions create, so the engine can refuse one it would cut short or reject. Pure.</summary>
internal static class ExpressionIdentifiers
{
    /// <summary>
    /// Where a name must be unique: a column within its table; anything else (tables, indexes,
    /// constraints, sequences, schemas) within the database, which is stricter than some engines
    /// need and never looser.
    /// </summary>
    public static string ScopeOf(IMigrationExpression expression, string kind) => (kind, expression) switch
    {
        ("column name", CreateTableExpression e) => $"columns of {e.TableName}",
        ("column name", CreateColumnExpression e) => $"columns of {e.TableName}",
        ("column name", RenameColumnExpression e) => $"columns of {e.TableName}",
        _ => "relations",
    };

    public static IEnumerable<(string Kind, string Name)> Of(IMigrationExpression expression)
    {
        var names = expression switch
        {
            CreateTableExpression e => e.Columns.Select(c => ("column name", c.Name)).Prepend(("table name", e.TableName)),
            CreateColumnExpression e => [("column name", e.Column.Name)],
            CreateIndexExpression e => [("index name", e.Index.Name)],
            CreateForeignKeyExpression e => [("foreign key name", e.ForeignKey.Name)],
            CreateConstraintExpression e => [("constraint name", e.Constraint.ConstraintName)],
            CreateSchemaExpression e => [("schema name", e.SchemaName)],
            CreateSequenceExpression e => [("sequence name", e.Sequence.Name)],
            RenameTableExpression e => [("table name", e.NewName)],
            RenameColumnExpression e => [("column name", e.NewName)],
            _ => [],
        };
        return names.Where(n => !string.IsNullOrEmpty(n.Item2));
    }
}
