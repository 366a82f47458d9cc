namespace Orchestrator.Migrations.Expressions;

public sealed record RenameColumnExpression(string OldName) : MigrationExpression
{
    public string? Schema { get; set; }

    public string Table { get; set; } = "";

    public string NewName { get; set; } = "";

    public override string Describe => $"Rename.Column(\"{OldName}\").OnTable(\"{Table}\").To(\"{NewName}\")";

    public override MigrationExpression Reverse() =>
        new RenameColumnExpression(NewName) { Schema = Schema, Table = Table, NewName = OldName, Databases = Databases };
}
