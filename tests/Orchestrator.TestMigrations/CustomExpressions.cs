using FluentMigrator;
using FluentMigrator.Builders.Execute;
using FluentMigrator.Expressions;
using FluentMigrator.Infrastructure;

namespace Orchestrator.TestMigrations;

/// <summary>A team's own expression: it executes through whatever processor runs the migration.</summary>
public sealed class AuditExpression(string note) : MigrationExpressionBase
{
    public override void ExecuteWith(IMigrationProcessor processor) =>
        processor.Execute("INSERT INTO conf_audit (note) VALUES ('{0}')", note.Replace("'", "''", StringComparison.Ordinal));
}

public static class AuditExtensions
{
    public static void Audit(this IExecuteExpressionRoot root, string note) =>
        ((IMigrationContextAccessor)root).GetMigrationContext().Expressions.Add(new AuditExpression(note));
}
