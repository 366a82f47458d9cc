using FluentMigrator;
using FluentMigrator.Infrastructure;
using FluentMigrator.Runner.Versioning;
using Orchestrator.Data;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// Creates the version table the way FluentMigrator does, from its own version-table migrations
/// (schema, table, unique index with AppliedOn, Description) translated through the engine's
/// generator, adding only the parts that are missing, so that FluentMigrator's runner finds the
/// layout it expects; then the tool's history table beside it.
/// </summary>
internal static class VersionTableSetup
{
    public static async Task EnsureAsync(IDbSession session, IMigrationStore store, MigrationTranslator translator, CancellationToken cancellationToken)
    {
        // The first write of a migrate or a rollback: what was only read and checked so far created nothing.
        await store.PrepareWritesAsync(session, cancellationToken);
        if (!store.ClaimsVersions)
        {
            await CreateMissingAsync(session, store, translator, cancellationToken);
            return;
        }

        // No lock spans the run: runners starting together take turns, and the later one finds the tables.
        await session.ExecuteAsync(store.BeginTransactionSql, cancellationToken: cancellationToken);
        try
        {
            await CreateMissingAsync(session, store, translator, cancellationToken);
            await session.ExecuteAsync("COMMIT", cancellationToken: cancellationToken);
        }
        catch
        {
            await session.ExecuteAsync("ROLLBACK", cancellationToken: CancellationToken.None);
            throw;
        }
    }

    private static async Task CreateMissingAsync(IDbSession session, IMigrationStore store, MigrationTranslator translator, CancellationToken cancellationToken)
    {
        var table = store.Table;
        var schema = translator.Syntax.Dialect.SchemaQuestions(session.Connection);
        var missing = new List<IMigration>();
        if (table.SchemaName is not null && !schema.SchemaExists(table.SchemaName))
        {
            missing.Add(new VersionSchemaMigration(table));
        }

        if (!schema.TableExists(table.SchemaName, table.TableName))
        {
            missing.AddRange([new VersionMigration(table), new VersionUniqueMigration(table), new VersionDescriptionMigration(table)]);
        }
        else
        {
            if (!schema.ColumnExists(table.SchemaName, table.TableName, table.AppliedOnColumnName))
            {
                missing.Add(new VersionUniqueMigration(table));
            }

            if (!schema.ColumnExists(table.SchemaName, table.TableName, table.DescriptionColumnName))
            {
                missing.Add(new VersionDescriptionMigration(table));
            }
        }

        foreach (var migration in missing)
        {
            var translated = translator.Translate(new ProjectMigration(new NonAttributedMigrationToMigrationInfoAdapter(migration), MigrationKind.VersionTable), up: true);
            foreach (var step in translated.Steps.OfType<SqlStep>())
            {
                await session.ExecuteAsync(step.Sql, cancellationToken: cancellationToken);
            }
        }

        await store.EnsureHistoryTableAsync(session, cancellationToken);
    }
}
