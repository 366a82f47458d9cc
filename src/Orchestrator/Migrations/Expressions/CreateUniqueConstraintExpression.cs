namespace Orchestrator.Migrations.Expressions;

public sealed record CreateUniqueConstraintExpression(string Name) : MigrationExpression
{
    public string? Schema { get; set; }

    public string Table { get; set; } = "";

    public List<string> Columns { get; } = [];

    public override string Describe => $"Create.UniqueConstraint(\"{Name}\").OnTable(\"{Table}\")";

    public override MigrationExpression Reverse() => new DeleteUniqueConstraintExpression(Name) { Schema = Schema, Table = Table, Databases = Databases };
}
