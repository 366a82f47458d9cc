namespace Orchestrator.Migrations.Builders;

public sealed class UpdateRoot
{
    private readonly ExpressionSink _sink;

    internal UpdateRoot(ExpressionSink sink) => _sink = sink;

    public UpdateDataBuilder Table(string table) => new(_sink, table);
}
