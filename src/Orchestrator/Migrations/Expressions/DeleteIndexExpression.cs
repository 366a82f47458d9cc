namespace Orchestrator.Migrations.Expressions;

public sealed record DeleteIndexExpression(string? Schema, string Table, string Name) : MigrationExpression
{
    public bool Concurrently { get; set; }

    public override string Describe => $"Delete.Index(\"{Name}\").OnTable(\"{Table}\")";
}
