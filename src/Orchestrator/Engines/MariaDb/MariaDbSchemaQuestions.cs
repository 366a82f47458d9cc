using System.Data.Common;
using System.Globalization;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// FluentMigrator's schema questions answered from MariaDB's information_schema. A schema is a
/// database here; no schema means the connection's database, as FluentMigrator's MySQL processor
/// assumes. Asked on the primary only (replicas have crashed answering information_schema queries
/// while applying DDL).
/// </summary>
internal sealed class MariaDbSchemaQuestions(DbConnection connection) : ISchemaQuestions
{
    public bool SchemaExists(string? schema) =>
        schema is null || CatalogQuery.Exists(connection, "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?", schema);

    public bool TableExists(string? schema, string table) =>
        CatalogQuery.Exists(connection, "SELECT 1 FROM information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? AND table_type <> 'SEQUENCE'", schema, table);

    public bool ColumnExists(string? schema, string table, string column) =>
        CatalogQuery.Exists(connection, "SELECT 1 FROM information_schema.columns WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? AND column_name = ?", schema, table, column);

    public bool ConstraintExists(string? schema, string table, string constraint) =>
        CatalogQuery.Exists(
            connection,
            "SELECT 1 FROM information_schema.table_constraints WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? AND constraint_name = ?",
            schema,
            table,
            constraint);

    public bool IndexExists(string? schema, string table, string index) =>
        CatalogQuery.Exists(connection, "SELECT 1 FROM information_schema.statistics WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? AND index_name = ?", schema, table, index);

    public bool SequenceExists(string? schema, string sequence) =>
        CatalogQuery.Exists(connection, "SELECT 1 FROM information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? AND table_type = 'SEQUENCE'", schema, sequence);

    /// <summary>As FluentMigrator does: the column's default contains the value's text.</summary>
    public bool DefaultValueExists(string? schema, string table, string column, object? defaultValue) =>
        CatalogQuery.Exists(
            connection,
            "SELECT 1 FROM information_schema.columns WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? AND column_name = ? AND LOCATE(?, column_default) > 0",
            schema,
            table,
            column,
            Convert.ToString(defaultValue, CultureInfo.InvariantCulture) ?? "");
}
