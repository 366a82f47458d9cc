using System.Data.Common;
using System.Globalization;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Engines.Postgres;

/// <summary>FluentMigrator's schema questions answered from PostgreSQL's catalog, as its PostgreSQL processor asks them (no schema means public).</summary>
internal sealed class PostgresSchemaQuestions(DbConnection connection) : ISchemaQuestions
{
    public bool SchemaExists(string? schema) =>
        CatalogQuery.Exists(connection, "SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", Schema(schema));

    public bool TableExists(string? schema, string table) =>
        CatalogQuery.Exists(connection, "SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2", Schema(schema), table);

    public bool ColumnExists(string? schema, string table, string column) =>
        CatalogQuery.Exists(connection, "SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3", Schema(schema), table, column);

    public bool ConstraintExists(string? schema, string table, string constraint) =>
        CatalogQuery.Exists(
            connection,
            "SELECT 1 FROM information_schema.table_constraints WHERE constraint_catalog = current_catalog AND table_schema = $1 AND table_name = $2 AND constraint_name = $3",
            Schema(schema),
            table,
            constraint);

    public bool IndexExists(string? schema, string table, string index) =>
        CatalogQuery.Exists(connection, "SELECT 1 FROM pg_catalog.pg_indexes WHERE schemaname = $1 AND tablename = $2 AND indexname = $3", Schema(schema), table, index);

    public bool SequenceExists(string? schema, string sequence) =>
        CatalogQuery.Exists(
            connection,
            "SELECT 1 FROM information_schema.sequences WHERE sequence_catalog = current_catalog AND sequence_schema = $1 AND sequence_name = $2",
            Schema(schema),
            sequence);

    /// <summary>As FluentMigrator does: the column's default expression contains the value's text.</summary>
    public bool DefaultValueExists(string? schema, string table, string column, object? defaultValue) =>
        CatalogQuery.Exists(
            connection,
            "SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3 AND strpos(column_default, $4) > 0",
            Schema(schema),
            table,
            column,
            Convert.ToString(defaultValue, CultureInfo.InvariantCulture) ?? "");

    private static string Schema(string? schema) => schema ?? "public";
}
