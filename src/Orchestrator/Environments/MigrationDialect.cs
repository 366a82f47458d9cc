namespace Orchestrator.Environments;

/// <summary>
/// FluentMigrator's SQL generator an environment's migrations use (environment key
/// <c>migrations.dialect</c>). Each engine has a default; PostgreSQL can choose an older
/// generator when a project depends on its behaviour.
/// </summary>
internal enum MigrationDialect
{
    /// <summary>The engine's default: PostgreSQL 15, or MySQL 8 with utf8mb4 text on MariaDB.</summary>
    Default,

    /// <summary>FluentMigrator's PostgreSQL 11 generator (identity GENERATED ALWAYS, INCLUDE on indexes).</summary>
    Postgres11,

    /// <summary>FluentMigrator's PostgreSQL 10 generator (identity GENERATED ALWAYS).</summary>
    Postgres10,

    /// <summary>FluentMigrator's PostgreSQL 9.2 generator (serial identity columns).</summary>
    Postgres92,

    /// <summary>FluentMigrator's original PostgreSQL generator: identity columns are serial/bigserial, so seeds may insert explicit ids.</summary>
    Postgres,
}
