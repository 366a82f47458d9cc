using System.Data.Common;

namespace Orchestrator.Migrations.Translation;

/// <summary>A synchronous existence query with positional parameters bound by the driver, for the schema questions.</summary>
internal static class CatalogQuery
{
    public static bool Exists(DbConnection connection, string sql, params object?[] values)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var value in values)
        {
            var parameter = command.CreateParameter();
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        using var reader = command.ExecuteReader();
        return reader.Read();
    }
}
