namespace Orchestrator.Migrations.Model;

public sealed record IndexColumn(string Name, bool Descending);
