namespace Orchestrator.Backups;

/// <summary>One timed step of a restore rehearsal.</summary>
internal sealed record RehearsalStep(string Name, TimeSpan Duration);
