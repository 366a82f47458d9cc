using FluentMigrator.Expressions;

namespace Orchestrator.Migrations.Online;

/// <summary>The table a FluentMigrator expression changes, where it names one. Pure.</summary>
internal static class ExpressionTables
{
    public static string? Of(IMigrationExpression expression) => expression switch
    {
        CreateTableExpression e => e.TableName,
        AlterTableExpression e => e.TableName,
        CreateColumnExpression e => e.TableName,
        DeleteColumnExpression e => e.TableName,
        AlterColumnExpression e => e.TableName,
        RenameColumnExpression e => e.TableName,
        CreateIndexExpression e => e.Index.TableName,
        DeleteIndexExpression e => e.Index.TableName,
        CreateForeignKeyExpression e => e.ForeignKey.ForeignTable,
        DeleteForeignKeyExpression e => e.ForeignKey.ForeignTable,
        CreateConstraintExpression e => e.Constraint.TableName,
        DeleteConstraintExpression e => e.Constraint.TableName,
        AlterDefaultConstraintExpression e => e.TableName,
        DeleteDefaultConstraintExpression e => e.TableName,
        InsertDataExpression e => e.TableName,
        UpdateDataExpression e => e.TableName,
        DeleteDataExpression e => e.TableName,
        _ => null,
    };
}
