using Orchestrator.Migrations.Expressions;
using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Builders;

/// <summary>
/// A column added to or changed on an existing table: <c>Create.Column("c").OnTable("t")</c>,
/// <c>Alter.Column("c").OnTable("t")</c>, <c>Alter.Table("t").AddColumn("c")</c>.
/// </summary>
public sealed class TableColumnBuilder : ColumnSyntax<TableColumnBuilder>
{
    private readonly ExpressionSink _sink;
    private readonly ColumnDefinition _column;
    private readonly AlterTableBuilder? _table;
    private MigrationExpression _expression;

    internal TableColumnBuilder(ExpressionSink sink, string table, string? schema, ColumnDefinition column, bool alter, AlterTableBuilder? alterTable = null)
    {
        _sink = sink;
        _column = column;
        _table = alterTable;
        _expression = sink.Add<MigrationExpression>(alter
            ? new AlterColumnExpression(schema, table, column)
            : new CreateColumnExpression(schema, table, column));
    }

    internal override ColumnDefinition Column => _column;

    internal override string TableName => _expression switch
    {
        CreateColumnExpression c => c.Table,
        AlterColumnExpression a => a.Table,
        _ => "",
    };

    internal override string? SchemaName => _expression switch
    {
        CreateColumnExpression c => c.Schema,
        AlterColumnExpression a => a.Schema,
        _ => null,
    };

    public TableColumnBuilder InSchema(string schema)
    {
        _expression = _sink.Replace(_expression, _expression switch
        {
            CreateColumnExpression c => c with { Schema = schema },
            AlterColumnExpression a => a with { Schema = schema },
            var other => other,
        });
        if (_column.ForeignKey is { } key)
        {
            key.ForeignSchema = schema;
        }

        return this;
    }

    /// <summary>Continues <c>Alter.Table(...)</c> with another new column.</summary>
    public TableColumnBuilder AddColumn(string name) => AlterTable.AddColumn(name);

    /// <summary>Continues <c>Alter.Table(...)</c> with a change to another column.</summary>
    public TableColumnBuilder AlterColumn(string name) => AlterTable.AlterColumn(name);

    private AlterTableBuilder AlterTable =>
        _table ?? throw new MigrationDefinitionException("AddColumn/AlterColumn continue an Alter.Table(...) chain only");
}
