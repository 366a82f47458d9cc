using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Builders;

/// <summary><c>Alter.Table("t").InSchema("s").AddColumn("c")... .AlterColumn("d")...</c></summary>
public sealed class AlterTableBuilder
{
    private readonly ExpressionSink _sink;
    private readonly string _table;
    private string? _schema;

    internal AlterTableBuilder(ExpressionSink sink, string table)
    {
        _sink = sink;
        _table = table;
    }

    public AlterTableBuilder InSchema(string schema)
    {
        _schema = schema;
        return this;
    }

    public TableColumnBuilder AddColumn(string name) => new(_sink, _table, _schema, new ColumnDefinition(name), alter: false, this);

    public TableColumnBuilder AlterColumn(string name) => new(_sink, _table, _schema, new ColumnDefinition(name), alter: true, this);
}
