using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations.Builders;

/// <summary><c>Delete.Table / Column / Index / ForeignKey / UniqueConstraint / Schema / Sequence / FromTable</c></summary>
public sealed class DeleteRoot
{
    private readonly ExpressionSink _sink;

    internal DeleteRoot(ExpressionSink sink) => _sink = sink;

    public SchemaStep<DeleteTableExpression> Table(string table) => new(_sink, new DeleteTableExpression(null, table), (e, s) => e with { Schema = s });

    public DeleteColumnBuilder Column(string column) => new(_sink, column);

    public TableStep<DeleteIndexExpression> Index(string name) =>
        new(_sink, new DeleteIndexExpression(null, "", name), (e, t) => e with { Table = t }, (e, s) => e with { Schema = s });

    public TableStep<DeleteForeignKeyExpression> ForeignKey(string name) =>
        new(_sink, new DeleteForeignKeyExpression(null, "", name), (e, t) => e with { Table = t }, (e, s) => e with { Schema = s });

    public TableStep<DeleteUniqueConstraintExpression> UniqueConstraint(string name) =>
        new(_sink, new DeleteUniqueConstraintExpression(name), (e, t) => e with { Table = t }, (e, s) => e with { Schema = s });

    public void Schema(string schema) => _sink.Add(new DeleteSchemaExpression(schema));

    public SchemaStep<DeleteSequenceExpression> Sequence(string name) => new(_sink, new DeleteSequenceExpression(null, name), (e, s) => e with { Schema = s });

    public DeleteDataBuilder FromTable(string table) => new(_sink, table);
}
