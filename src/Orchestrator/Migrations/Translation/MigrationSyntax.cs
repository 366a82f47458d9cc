using FluentMigrator;
using Orchestrator.Environments;

namespace Orchestrator.Migrations.Translation;

/// <summary>An engine's migration dialect together with the FluentMigrator generator an environment chose.</summary>
internal sealed record MigrationSyntax(IMigrationDialect Dialect, IMigrationGenerator Generator, string DatabaseType)
{
    public static MigrationSyntax For(IMigrationDialect dialect, MigrationDialect choice, System.Data.Common.DbConnection connection) =>
        new(dialect, dialect.CreateGenerator(choice, connection), dialect.DatabaseType(choice));
}
