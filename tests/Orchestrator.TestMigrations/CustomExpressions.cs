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

/// <summary>
/// An upsert helper of the kind real projects write: it asks the database whether the row is
/// there (processor.Exists, which reads) and writes an UPDATE or an INSERT accordingly.
/// </summary>
public sealed class UpsertExpression(string table, int id, string name) : MigrationExpressionBase
{
    public override void ExecuteWith(IMigrationProcessor processor)
    {
        var quotedName = name.Replace("'", "''", StringComparison.Ordinal);
        if (processor.Exists("SELECT 1 FROM {0} WHERE id = {1}", table, id))
        {
            processor.Execute("UPDATE {0} SET name = '{1}' WHERE id = {2}", table, quotedName, id);
        }
        else
        {
            processor.Execute("INSERT INTO {0} (id, name) VALUES ({1}, '{2}')", table, id, quotedName);
        }
    }
}

[Migration(12001, "A table with a row")]
[Tags("reads-database")]
public sealed class CreateUpsertTargets : Migration
{
    public override void Up()
    {
        Create.Table("upsert_targets").WithColumn("id").AsInt32().PrimaryKey().WithColumn("name").AsString(50);
        Insert.IntoTable("upsert_targets").Row(new { id = 1, name = "first" });
    }

    public override void Down() => Delete.Table("upsert_targets");
}

[Migration(12002, "Upserts into the table the migration before it created")]
[Tags("reads-database")]
public sealed class UpsertIntoTargets : Migration
{
    public override void Up()
    {
        var expressions = ((FluentMigrator.Infrastructure.IMigrationContextAccessor)Execute).GetMigrationContext().Expressions;
        expressions.Add(new UpsertExpression("upsert_targets", 1, "renamed"));
        expressions.Add(new UpsertExpression("upsert_targets", 2, "added"));
    }

    public override void Down() => Execute.Sql("DELETE FROM upsert_targets WHERE id = 2");
}
