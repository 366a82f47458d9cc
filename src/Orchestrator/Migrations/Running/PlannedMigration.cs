using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Running;

/// <summary>A migration about to run in one direction, with its steps already produced and checked.</summary>
internal sealed record PlannedMigration(TranslatedMigration Translated, bool OutOfOrder)
{
    public ProjectMigration Migration => Translated.Migration;

    public IReadOnlyList<MigrationStep> Steps => Translated.Steps;
}
