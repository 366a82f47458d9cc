using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations.Builders;

/// <summary><c>Create.Table / Column / Index / ForeignKey / UniqueConstraint / Schema / Sequence</c></summary>
public sealed class CreateRoot
{
    private readonly ExpressionSink _sink;

    internal CreateRoot(ExpressionSink sink) => _sink = sink;

    public CreateTableBuilder Table(string table) => new(_sink, table);

    public ColumnOnTableBuilder Column(string column) => new(_sink, column, alter: false);

    public CreateIndexBuilder Index() => new(_sink, null);

    public CreateIndexBuilder Index(string name) => new(_sink, name);

    public CreateForeignKeyBuilder ForeignKey() => new(_sink, null);

    public CreateForeignKeyBuilder ForeignKey(string name) => new(_sink, name);

    public CreateUniqueConstraintBuilder UniqueConstraint(string name) => new(_sink, name);

    public void Schema(string schema) => _sink.Add(new CreateSchemaExpression(schema));

    public CreateSequenceBuilder Sequence(string name) => new(_sink, name);
}
