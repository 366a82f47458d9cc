using System.Data;
using Orchestrator.Migrations.Expressions;
using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Builders;

/// <summary><c>Create.ForeignKey("fk").FromTable("orders").ForeignColumn("user_id").ToTable("users").PrimaryColumn("id").OnDelete(Rule.Cascade)</c></summary>
public sealed class CreateForeignKeyBuilder : ExpressionBuilder<CreateForeignKeyExpression>
{
    private bool _toPrimary;

    internal CreateForeignKeyBuilder(ExpressionSink sink, string? name)
        : base(sink, new CreateForeignKeyExpression(new ForeignKeyDefinition(name)))
    {
    }

    private ForeignKeyDefinition Key => Expression.ForeignKey;

    public CreateForeignKeyBuilder FromTable(string table)
    {
        Key.ForeignTable = table;
        _toPrimary = false;
        return this;
    }

    public CreateForeignKeyBuilder ToTable(string table)
    {
        Key.PrimaryTable = table;
        _toPrimary = true;
        return this;
    }

    /// <summary>The schema of the table named last (FromTable or ToTable).</summary>
    public CreateForeignKeyBuilder InSchema(string schema)
    {
        if (_toPrimary)
        {
            Key.PrimarySchema = schema;
        }
        else
        {
            Key.ForeignSchema = schema;
        }

        return this;
    }

    public CreateForeignKeyBuilder ForeignColumn(string column) => ForeignColumns(column);

    public CreateForeignKeyBuilder ForeignColumns(params string[] columns)
    {
        Key.ForeignColumns.AddRange(columns);
        return this;
    }

    public CreateForeignKeyBuilder PrimaryColumn(string column) => PrimaryColumns(column);

    public CreateForeignKeyBuilder PrimaryColumns(params string[] columns)
    {
        Key.PrimaryColumns.AddRange(columns);
        return this;
    }

    public CreateForeignKeyBuilder OnDelete(Rule rule)
    {
        Key.OnDelete = rule;
        return this;
    }

    public CreateForeignKeyBuilder OnUpdate(Rule rule)
    {
        Key.OnUpdate = rule;
        return this;
    }

    public CreateForeignKeyBuilder OnDeleteOrUpdate(Rule rule) => OnDelete(rule).OnUpdate(rule);
}
