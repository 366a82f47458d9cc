using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Builders;

/// <summary>The table step of <c>Create.Column("c")</c> and <c>Alter.Column("c")</c>.</summary>
public sealed class ColumnOnTableBuilder
{
    private readonly ExpressionSink _sink;
    private readonly string _column;
    private readonly bool _alter;

    internal ColumnOnTableBuilder(ExpressionSink sink, string column, bool alter)
    {
        _sink = sink;
        _column = column;
        _alter = alter;
    }

    public TableColumnBuilder OnTable(string table) => new(_sink, table, null, new ColumnDefinition(_column), _alter);
}
