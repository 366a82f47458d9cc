namespace Orchestrator.Migrations.Builders;

public sealed class InsertRoot
{
    private readonly ExpressionSink _sink;

    internal InsertRoot(ExpressionSink sink) => _sink = sink;

    public InsertDataBuilder IntoTable(string table) => new(_sink, table);
}
