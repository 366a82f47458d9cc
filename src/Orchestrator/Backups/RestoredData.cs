using Orchestrator.Data;
using Orchestrator.Progress;
using Orchestrator.Servers;

namespace Orchestrator.Backups;

/// <summary>
/// What a restore put into a database, against the backup's manifest: every table's row count
/// and content checksum. Rehearsals report the differences; a restore refuses to go on with them.
/// </summary>
internal static class RestoredData
{
    public static List<TableMismatch> Compare(IReadOnlyList<TableChecksum> expected, IReadOnlyList<TableChecksum> restored)
    {
        var byName = restored.ToDictionary(t => t.Table, StringComparer.Ordinal);
        var mismatches = new List<TableMismatch>();
        foreach (var table in expected)
        {
            byName.TryGetValue(table.Table, out var actual);
            if (actual is null || actual.Rows != table.Rows || actual.Checksum != table.Checksum)
            {
                mismatches.Add(new TableMismatch(table.Table, table, actual));
            }
        }

        var known = expected.Select(t => t.Table).ToHashSet(StringComparer.Ordinal);
        mismatches.AddRange(restored.Where(t => !known.Contains(t.Table)).Select(t => new TableMismatch(t.Table, null, t)));
        return mismatches;
    }

    /// <summary>One line per table, for a person: which side lacks it, or both sides' counts.</summary>
    public static string Describe(TableMismatch mismatch) => (mismatch.Expected, mismatch.Restored) switch
    {
        (null, { } restored) => $"{mismatch.Table}: restored with {Rows(restored.Rows)}, not in the manifest",
        ({ } expected, null) => $"{mismatch.Table}: in the manifest ({Rows(expected.Rows)}), missing after the restore",
        ({ } expected, { } restored) when expected.Rows != restored.Rows => $"{mismatch.Table}: {Rows(restored.Rows)} restored, the manifest says {expected.Rows}",
        _ => $"{mismatch.Table}: same row count, different content checksum",
    };

    private static string Rows(long count) => count == 1 ? "1 row" : $"{count} rows";

    /// <summary>
    /// Checksums the restored database and throws <see cref="BackupInvalidException"/> naming
    /// every table that differs from the manifest, so nothing is built on an unverified copy.
    /// </summary>
    public static async Task VerifyAsync(IEngine engine, ConnectionTarget database, BackupManifest manifest, string where, string whatIsLeft, ITopologyProgress progress, CancellationToken cancellationToken)
    {
        await progress.StepAsync(where, $"row counts and checksums of {Counted.Of(manifest.Tables.Count, "table")} against the manifest", async () =>
        {
            var mismatches = Compare(manifest.Tables, await engine.Backups.ChecksumAsync(database, cancellationToken));
            if (mismatches.Count > 0)
            {
                throw new BackupInvalidException(
                    $"the restored database '{database.Database}' differs from the backup's manifest in {mismatches.Count} table{(mismatches.Count == 1 ? "" : "s")}; {whatIsLeft}:\n  " +
                    string.Join("\n  ", mismatches.Take(20).Select(Describe)) + (mismatches.Count > 20 ? $"\n  ... and {mismatches.Count - 20} more" : ""));
            }
        });
    }
}
