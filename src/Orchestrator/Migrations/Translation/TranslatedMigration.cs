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
public sealed record TranslatedMigration(
    ProjectMigration Migration,
    IReadOnlyList<MigrationStep> Steps,
    IReadOnlyList<IMigrationExpression> Expressions,
    bool ReadsDatabase)
{
    /// <summary>SHA-256 of the steps, recorded in the history table to notice later edits.</summary>
    public string Checksum { get; } = ChecksumOf(Steps);

    public bool RunsCode => Steps.Any(s => s is CodeStep);

    public static string ChecksumOf(IReadOnlyList<MigrationStep> steps) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n;\n", steps.Select(s => s.Text)))));
}
