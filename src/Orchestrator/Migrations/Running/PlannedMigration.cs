using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Migrations.Running;

/// <summary>A migration about to run in one direction, with its SQL already generated and checked.</summary>
public sealed record PlannedMigration(MigrationInfo Migration, IReadOnlyList<string> Statements, bool OutOfOrder)
{
    /// <summary>SHA-256 of the statements, recorded in the history table to notice later edits.</summary>
    public string Checksum { get; } = ChecksumOf(Statements);

    public static string ChecksumOf(IReadOnlyList<string> statements) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n;\n", statements))));
}
