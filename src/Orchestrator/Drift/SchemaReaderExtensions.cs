using Orchestrator.Data;
using Orchestrator.Migrations;

namespace Orchestrator.Drift;

public static class SchemaReaderExtensions
{
    /// <summary>
    /// The database's structure without the tool's own history table, so that a database migrated
    /// by this tool and one migrated by FluentMigrator's runner compare equal.
    /// </summary>
    public static async Task<SchemaShape> ReadApplicationAsync(this ISchemaReader reader, IDbSession session, CancellationToken cancellationToken)
    {
        var shape = await reader.ReadAsync(session, cancellationToken);
        foreach (var name in shape.Tables.Keys.Where(IsHistoryTable).ToList())
        {
            shape.Tables.Remove(name);
        }

        return shape;
    }

    private static bool IsHistoryTable(string name) =>
        name == VersionTable.HistoryTableName || name.EndsWith("." + VersionTable.HistoryTableName, StringComparison.Ordinal);
}
