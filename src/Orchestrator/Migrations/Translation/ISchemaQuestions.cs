namespace Orchestrator.Migrations.Translation;

/// <summary>
/// FluentMigrator's schema questions (<c>Schema.Table(..).Exists()</c> and the like), answered by
/// one engine from its catalog on a live connection, with values bound by the driver. Calls are
/// synchronous because FluentMigrator asks them from inside a migration's Up().
/// A null schema means the engine's default (PostgreSQL: public; MariaDB: the current database).
/// </summary>
internal interface ISchemaQuestions
{
    bool SchemaExists(string? schema);

    bool TableExists(string? schema, string table);

    bool ColumnExists(string? schema, string table, string column);

    bool ConstraintExists(string? schema, string table, string constraint);

    bool IndexExists(string? schema, string table, string index);

    bool SequenceExists(string? schema, string sequence);

    bool DefaultValueExists(string? schema, string table, string column, object? defaultValue);
}
