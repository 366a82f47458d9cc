using FluentMigrator;
using Orchestrator.Environments;

namespace Orchestrator.Migrations.Translation;

/// <summary>An engine's migration dialect together with the FluentMigrator generator an environment chose.</summary>
internal sealed record MigrationSyntax(IMigrationDialect Dialect, IMigrationGenerator Generator, string DatabaseType)
{
    /// <summary>What of the connected database the generator's SQL depends on (see <see cref="ConfiguredGenerator"/>).</summary>
    public string DatabaseSettings { get; init; } = "";

    public static MigrationSyntax For(IMigrationDialect dialect, MigrationDialect choice, System.Data.Common.DbConnection connection)
    {
        var configured = dialect.CreateGenerator(choice, connection);
        return new(dialect, configured.Generator, dialect.DatabaseType(choice)) { DatabaseSettings = configured.DatabaseSettings };
    }
}
