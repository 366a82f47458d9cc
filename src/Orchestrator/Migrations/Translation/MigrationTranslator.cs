using System.Data.Common;
using FluentMigrator;
using FluentMigrator.Exceptions;
using FluentMigrator.Expressions;
using FluentMigrator.Infrastructure;
using FluentMigrator.Runner.Exceptions;
using Orchestrator.Data;

namespace Orchestrator.Migrations.Translation;

/// <summary>
/// Turns one migration into the steps it runs, the way FluentMigrator's runner prepares it:
/// Up() or Down() describes expressions in a migration context whose schema is the live database,
/// FluentMigrator's conventions and validator go over them, and each expression executes against
/// a processor that captures the SQL the engine's generator writes. Definition errors are
/// <see cref="MigrationDefinitionException"/>s naming the migration.
/// </summary>
internal sealed class MigrationTranslator(MigrationProject project, MigrationSyntax syntax, DbConnection connection)
{
    public MigrationSyntax Syntax => syntax;

    public TranslatedMigration Translate(ProjectMigration migration, bool up)
    {
        var key = (migration, up, syntax.Generator.GetType(), syntax.DatabaseSettings);
        if (project.Translations.TryGetValue(key, out var known))
        {
            return known;
        }

        var translated = TranslateNow(migration, up);
        if (!translated.ReadsDatabase && !translated.RunsCode)
        {
            project.Translations.TryAdd(key, translated);
        }

        return translated;
    }

    private TranslatedMigration TranslateNow(ProjectMigration migration, bool up)
    {
        var processor = new CapturingProcessor(syntax, connection);
        var context = new MigrationContext(processor, project.Services, connection.ConnectionString);
        lock (project.DescribeGate)
        {
            Describe(migration, up, context);
            try
            {
                project.Validator.ApplyConventionsToAndValidateExpressions(migration.Migration, context.Expressions);
            }
            catch (InvalidMigrationException e)
            {
                throw new MigrationDefinitionException($"migration {migration.Name}: {e.Message.Trim()}");
            }
        }

        var expressions = context.Expressions.ToList();
        var origins = new List<int>();
        foreach (var (index, expression) in expressions.Index())
        {
            foreach (var (kind, name) in ExpressionIdentifiers.Of(expression))
            {
                if (syntax.Dialect.IdentifierProblem(name) is { } problem)
                {
                    throw new MigrationDefinitionException($"migration {migration.Name}: {kind} '{name}' {problem}; choose a shorter name");
                }
            }

            if (syntax.Dialect.CannotRun(expression) is { } limit)
            {
                throw new MigrationDefinitionException($"migration {migration.Name}: {expression}: {limit}");
            }

            Capture(migration, expression, processor);
            origins.AddRange(Enumerable.Repeat(index, processor.Steps.Count - origins.Count));
        }

        var translated = new TranslatedMigration(migration, processor.Steps, expressions, processor.ReadDatabase) { Origins = origins };
        CheckTransaction(translated);
        return translated;
    }

    /// <summary>Runs the migration's Up() or Down(); what it throws is the migration's definition error.</summary>
    private static void Describe(ProjectMigration migration, bool up, MigrationContext context)
    {
        try
        {
            if (up)
            {
                migration.Migration.GetUpExpressions(context);
            }
            else
            {
                migration.Migration.GetDownExpressions(context);
            }
        }
        catch (NotSupportedException e) when (!up && migration.Migration is AutoReversingMigration)
        {
            throw new MigrationDefinitionException(
                $"migration {migration.Name} cannot be undone: it is an AutoReversingMigration and {e.Message.Replace("The ", "", StringComparison.Ordinal)}; write a Migration with an explicit Down()");
        }
        catch (InvalidOperationException) when (!up && migration.Migration is ForwardOnlyMigration)
        {
            throw new MigrationDefinitionException($"migration {migration.Name} cannot be undone: it is a ForwardOnlyMigration");
        }
        catch (DbException e)
        {
            throw ReadFailed(migration, e);
        }
        catch (Exception e) when (e is not (OperationCanceledException or MigrationDefinitionException))
        {
            throw new MigrationDefinitionException($"migration {migration.Name}: its {(up ? "Up" : "Down")}() failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private static void Capture(ProjectMigration migration, IMigrationExpression expression, CapturingProcessor processor)
    {
        try
        {
            expression.ExecuteWith(processor);
        }
        catch (DbException e)
        {
            throw ReadFailed(migration, e);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new MigrationDefinitionException($"migration {migration.Name}: {expression}: {e.Message} (script paths are relative to the migrations assembly's folder)");
        }
        catch (Exception e) when (e is DatabaseOperationNotSupportedException or NotSupportedException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new MigrationDefinitionException($"migration {migration.Name}: {expression}: {e.Message}");
        }
    }

    /// <summary>A migration that runs in a transaction may not hold a statement the engine refuses inside one.</summary>
    private void CheckTransaction(TranslatedMigration translated)
    {
        var migration = translated.Migration;
        if (migration.TransactionBehavior == TransactionBehavior.None)
        {
            return;
        }

        foreach (var step in translated.Steps.OfType<SqlStep>())
        {
            if (syntax.Dialect.NeedsNoTransaction(step.Sql) is { } why)
            {
                var declare = migration.Kind == MigrationKind.Versioned
                    ? $"[Migration({migration.Version}, TransactionBehavior.None)]"
                    : $"[Maintenance({migration.Stage}, TransactionBehavior.None)]";
                throw new MigrationDefinitionException($"migration {migration.Name}: {why}; declare it {declare}");
            }
        }
    }

    private static DatabaseException ReadFailed(ProjectMigration migration, DbException e) =>
        new($"migration {migration.Name}: reading the database while preparing it failed: {e.Message}", e.SqlState ?? e.ErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture), e);
}
