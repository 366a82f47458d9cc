namespace Orchestrator.Migrations.Builders;

/// <summary><c>Alter.Table("t").AddColumn(...)/AlterColumn(...)</c>, <c>Alter.Column("c").OnTable("t")</c></summary>
public sealed class AlterRoot
{
    private readonly ExpressionSink _sink;

    internal AlterRoot(ExpressionSink sink) => _sink = sink;

    public AlterTableBuilder Table(string table) => new(_sink, table);

    public ColumnOnTableBuilder Column(string column) => new(_sink, column, alter: true);
}
