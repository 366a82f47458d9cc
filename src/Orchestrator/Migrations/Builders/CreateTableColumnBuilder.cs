using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Builders;

public sealed class CreateTableColumnBuilder : ColumnSyntax<CreateTableColumnBuilder>
{
    private readonly CreateTableBuilder _table;
    private readonly ColumnDefinition _column;

    internal CreateTableColumnBuilder(CreateTableBuilder table, ColumnDefinition column)
    {
        _table = table;
        _column = column;
    }

    internal override ColumnDefinition Column => _column;

    internal override string TableName => _table.Expression.Table;

    internal override string? SchemaName => _table.Expression.Schema;

    public CreateTableColumnBuilder WithColumn(string name) => _table.WithColumn(name);
}
