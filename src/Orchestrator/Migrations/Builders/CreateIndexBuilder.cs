using Orchestrator.Migrations.Expressions;
using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Builders;

/// <summary>
/// <c>Create.Index("ix").OnTable("t").OnColumn("a").Ascending().OnColumn("b").Descending().WithOptions().Unique()</c>,
/// plus PostgreSQL's <c>Include("c")</c>, <c>Filter("sql")</c> and <c>Concurrently()</c>.
/// </summary>
public sealed class CreateIndexBuilder : ExpressionBuilder<CreateIndexExpression>
{
    internal CreateIndexBuilder(ExpressionSink sink, string? name)
        : base(sink, new CreateIndexExpression(new IndexDefinition(name)))
    {
    }

    private IndexDefinition Index => Expression.Index;

    public CreateIndexBuilder OnTable(string table)
    {
        Index.Table = table;
        return this;
    }

    public CreateIndexBuilder InSchema(string schema)
    {
        Index.Schema = schema;
        return this;
    }

    public CreateIndexBuilder OnColumn(string column)
    {
        Index.Columns.Add(new IndexColumn(column, Descending: false));
        return this;
    }

    public CreateIndexBuilder OnColumns(params string[] columns)
    {
        Index.Columns.AddRange(columns.Select(c => new IndexColumn(c, Descending: false)));
        return this;
    }

    public CreateIndexBuilder Ascending() => this;

    public CreateIndexBuilder Descending()
    {
        var last = Index.Columns.Count > 0 ? Index.Columns[^1] : throw new MigrationDefinitionException("Descending() must follow OnColumn(...)");
        Index.Columns[^1] = last with { Descending = true };
        return this;
    }

    public CreateIndexBuilder WithOptions() => this;

    public CreateIndexBuilder Unique()
    {
        Index.IsUnique = true;
        return this;
    }

    public CreateIndexBuilder NonClustered() => this;

    public CreateIndexBuilder Include(string column)
    {
        Index.Include.Add(column);
        return this;
    }

    public CreateIndexBuilder Filter(string predicate)
    {
        Index.Filter = predicate;
        return this;
    }

    public CreateIndexBuilder Concurrently()
    {
        Index.Concurrently = true;
        return this;
    }

    public CreateIndexBuilder AsConcurrently() => Concurrently();
}
