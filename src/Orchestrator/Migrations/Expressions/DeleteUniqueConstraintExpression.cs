namespace Orchestrator.Migrations.Expressions;

public sealed record DeleteUniqueConstraintExpression(string Name) : MigrationExpression
{
    public string? Schema { get; set; }

    public string Table { get; set; } = "";

    public override string Describe => $"Delete.UniqueConstraint(\"{Name}\").FromTable(\"{Table}\")";
}
