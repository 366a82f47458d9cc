namespace Orchestrator.Migrations.Expressions;

public sealed record RenameTableExpression(string? Schema, string OldName) : MigrationExpression
{
    public string NewName { get; set; } = "";

    public override string Describe => $"Rename.Table(\"{OldName}\").To(\"{NewName}\")";

    public override MigrationExpression Reverse() => new RenameTableExpression(Schema, NewName) { NewName = OldName, Databases = Databases };
}
