using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations.Builders;

/// <summary><c>Rename.Table("a").To("b")</c>, <c>Rename.Column("a").OnTable("t").To("b")</c></summary>
public sealed class RenameRoot
{
    private readonly ExpressionSink _sink;

    internal RenameRoot(ExpressionSink sink) => _sink = sink;

    public RenameTableBuilder Table(string oldName) => new(_sink, oldName);

    public RenameColumnBuilder Column(string oldName) => new(_sink, oldName);
}
