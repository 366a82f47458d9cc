using System.Security.Cryptography;
using System.Text;
using FluentMigrator.Expressions;

namespace Orchestrator.Migrations.Translation;

/// <summary>
/// A migration turned into the steps it runs in one direction, with the expressions it described
/// (after FluentMigrator's conventions). <see cref="ReadsDatabase"/> says whether the steps
/// depend on what the database held when they were produced: a schema question such as
/// <c>Schema.Table(..).Exists()</c>, or a read by a custom expression.
/// </summary>
internal sealed record TranslatedMigration(
    ProjectMigration Migration,
    IReadOnlyList<MigrationStep> Steps,
    IReadOnlyList<IMigrationExpression> Expressions,
    bool ReadsDatabase)
{
    /// <summary>
    /// SHA-256 of the steps as the migration wrote them, recorded in the history table to notice
    /// later edits. A copy made with <c>with</c> keeps it: the online form of a migration is how
    /// it runs, not a change to it.
    /// </summary>
    public string Checksum { get; } = ChecksumOf(Steps);

    /// <summary>For each step, the index in <see cref="Expressions"/> of the expression that produced it.</summary>
    public IReadOnlyList<int> Origins { get; init; } = [];

    /// <summary>What each step costs the table it changes (null where the engine cannot tell), once the run's online pass told it; empty before.</summary>
    public IReadOnlyList<StatementCost?> Costs { get; init; } = [];

    /// <summary>Statements of the online form that run after the migration's transaction committed, one at a time, in order.</summary>
    public IReadOnlyList<OnlineStep> After { get; init; } = [];

    /// <summary>The online table copies among <see cref="After"/>.</summary>
    public IReadOnlyList<TableCopy> Copies => [.. After.Select(s => s.Copy).OfType<TableCopy>()];

    /// <summary>What the online form changed, or left as written and why, per expression.</summary>
    public IReadOnlyList<OnlineChange> OnlineChanges { get; init; } = [];

    public bool RunsCode => Steps.Any(s => s is CodeStep);

    /// <summary>True when a step is more than a statement to send (code, a check), so the steps go one at a time.</summary>
    public bool StepByStep => Steps.Any(s => s is not SqlStep);

    /// <summary>
    /// Why the migration is prepared only at its turn: describing it read the database, and the
    /// read failed before the migrations ahead of it in the run had made what it reads. Null
    /// for a migration prepared in advance. Such a migration has no steps until its turn.
    /// </summary>
    public string? PreparedAtItsTurnBecause { get; init; }

    /// <summary>A migration whose description needs the database as the migrations before it leave it.</summary>
    public static TranslatedMigration AtItsTurn(ProjectMigration migration, string because) =>
        new(migration, [], [], ReadsDatabase: true) { PreparedAtItsTurnBecause = because };

    public static string ChecksumOf(IReadOnlyList<MigrationStep> steps) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n;\n", steps.Select(s => s.Text)))));
}
