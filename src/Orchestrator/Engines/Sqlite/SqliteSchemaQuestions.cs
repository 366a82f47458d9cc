using System.Data.Common;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Engines.Sqlite;

/// <summary>
/// FluentMigrator's schema questions answered from SQLite's catalog. As FluentMigrator's SQLite
/// processor does, every schema exists and sequences and default-value checks never match;
/// unlike it, a constraint is found whatever created it, and generated columns count as columns.
/// </summary>
internal sealed class SqliteSchemaQuestions(DbConnection connection) : ISchemaQuestions
{
    public bool SchemaExists(string? schema) => true;

    public bool TableExists(string? schema, string table) =>
        Exists("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = $1", table);

    public bool ColumnExists(string? schema, string table, string column) =>
        Exists("SELECT 1 FROM pragma_table_xinfo($1) WHERE name = $2", table, column);

    /// <summary>A unique index by that name; SQLite keeps no other constraint names.</summary>
    public bool ConstraintExists(string? schema, string table, string constraint) =>
        Exists("SELECT 1 FROM pragma_index_list($1) WHERE name = $2 AND \"unique\" = 1", table, constraint);

    public bool IndexExists(string? schema, string table, string index) =>
        Exists("SELECT 1 FROM sqlite_schema WHERE type = 'index' AND tbl_name = $1 AND name = $2", table, index);

    public bool SequenceExists(string? schema, string sequence) => false;

    public bool DefaultValueExists(string? schema, string table, string column, object? defaultValue) => false;

    private bool Exists(string sql, params string[] values)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"${i + 1}";
            parameter.Value = values[i];
            command.Parameters.Add(parameter);
        }

        using var reader = command.ExecuteReader();
        return reader.Read();
    }
}
