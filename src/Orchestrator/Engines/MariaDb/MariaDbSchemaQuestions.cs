using System.Data.Common;
using System.Globalization;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// FluentMigrator's schema questions answered from MariaDB's information_schema, about the
/// connection's database. As FluentMigrator's MySQL support does, a schema name is ignored (its
/// generator puts every table in the connection's database) and every schema exists. Asked on
/// the primary only: replicas have crashed answering information_schema queries while applying DDL.
/// </summary>
internal sealed class MariaDbSchemaQuestions(DbConnection connection) : ISchemaQuestions
{
    public bool SchemaExists(string? schema) => true;

    public bool TableExists(string? schema, string table) =>
        CatalogQuery.Exists(connection, "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ? AND table_type <> 'SEQUENCE'", table);

    public bool ColumnExists(string? schema, string table, string column) =>
        CatalogQuery.Exists(connection, "SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?", table, column);

    public bool ConstraintExists(string? schema, string table, string constraint) =>
        CatalogQuery.Exists(connection, "SELECT 1 FROM information_schema.table_constraints WHERE table_schema = DATABASE() AND table_name = ? AND constraint_name = ?", table, constraint);

    public bool IndexExists(string? schema, string table, string index) =>
        CatalogQuery.Exists(connection, "SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ?", table, index);

    public bool SequenceExists(string? schema, string sequence) =>
        CatalogQuery.Exists(connection, "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ? AND table_type = 'SEQUENCE'", sequence);

    /// <summary>As FluentMigrator does: the column's default contains the value's text.</summary>
    public bool DefaultValueExists(string? schema, string table, string column, object? defaultValue) =>
        CatalogQuery.Exists(
            connection,
            "SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ? AND LOCATE(?, column_default) > 0",
            table,
            column,
            Convert.ToString(defaultValue, CultureInfo.InvariantCulture) ?? "");
}
