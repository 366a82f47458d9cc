using Orchestrator.Data;
using Orchestrator.Migrations;

namespace Orchestrator.Drift;

internal static class SchemaReaderExtensions
{
    /// <summary>
    /// The database's structure without the tool's own history table, so that a database migrated
    /// by this tool and one migrated by FluentMigrator's runner compare equal.
    /// </summary>
    public static async Task<SchemaShape> ReadApplicationAsync(this ISchemaReader reader, IDbSession session, CancellationToken cancellationToken) =>
        WithoutHistory(await reader.ReadAsync(session, cancellationToken));

    /// <summary><see cref="ISchemaReader.ReadPortableAsync"/> without the tool's own history table.</summary>
    public static async Task<SchemaShape> ReadPortableApplicationAsync(this ISchemaReader reader, IDbSession session, CancellationToken cancellationToken) =>
        WithoutHistory(await reader.ReadPortableAsync(session, cancellationToken));

    private static SchemaShape WithoutHistory(SchemaShape shape)
    {
        foreach (var name in shape.Tables.Keys.Where(IsHistoryTable).ToList())
        {
            shape.Tables.Remove(name);
        }

        return shape;
    }

    private static bool IsHistoryTable(string name) =>
        new[] { VersionTable.HistoryTableName, VersionTable.ProgressTableName, VersionTable.OnlineCopyTableName }.Any(t => name == t || name.EndsWith("." + t, StringComparison.Ordinal));
}
