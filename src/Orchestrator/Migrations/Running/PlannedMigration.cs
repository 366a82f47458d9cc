using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Running;

/// <summary>A migration about to run in one direction, with its steps already produced and checked.</summary>
internal sealed record PlannedMigration(TranslatedMigration Translated, bool OutOfOrder)
{
    public ProjectMigration Migration => Translated.Migration;

    public IReadOnlyList<MigrationStep> Steps => Translated.Steps;

    /// <summary>The tables created by the migrations before it in the run: what changes them needs no online form.</summary>
    public IReadOnlySet<string> CreatedBefore { get; init; } = new HashSet<string>();
}
