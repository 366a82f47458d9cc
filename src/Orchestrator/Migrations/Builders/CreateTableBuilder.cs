using Orchestrator.Migrations.Expressions;
using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Builders;

/// <summary><c>Create.Table("t").InSchema("s").WithColumn("c")...</c></summary>
public sealed class CreateTableBuilder : ExpressionBuilder<CreateTableExpression>
{
    internal CreateTableBuilder(ExpressionSink sink, string table)
        : base(sink, new CreateTableExpression(null, table))
    {
    }

    public CreateTableBuilder InSchema(string schema)
    {
        Update(e => e with { Schema = schema });
        foreach (var key in Expression.Columns.Select(c => c.ForeignKey).OfType<ForeignKeyDefinition>())
        {
            key.ForeignSchema = schema;
        }

        return this;
    }

    public CreateTableBuilder WithDescription(string description)
    {
        Expression.Description = description;
        return this;
    }

    public CreateTableColumnBuilder WithColumn(string name)
    {
        var column = new ColumnDefinition(name);
        Expression.Columns.Add(column);
        return new CreateTableColumnBuilder(this, column);
    }
}
