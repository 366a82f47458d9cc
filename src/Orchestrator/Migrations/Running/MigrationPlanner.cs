using Orchestrator.Migrations.Expressions;
using Orchestrator.Migrations.Generation;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// Decides which migrations run and generates all their SQL before anything is executed, so
/// that every definition error surfaces while the database is untouched. Pure: no I/O.
/// </summary>
public static class MigrationPlanner
{
    public static MigrationPlan Up(IReadOnlyList<MigrationInfo> migrations, IReadOnlyList<AppliedMigration> applied, long? to, SqlGenerator generator)
    {
        var appliedVersions = applied.Select(a => a.Version).ToHashSet();
        var newest = applied.Count == 0 ? long.MinValue : applied.Max(a => a.Version);
        var steps = migrations
            .Where(m => !appliedVersions.Contains(m.Version) && (to is null || m.Version <= to))
            .Select(m => new PlannedMigration(m, Statements(m, m.Up, generator), OutOfOrder: m.Version < newest))
            .ToList();

        var changed = new List<MigrationInfo>();
        foreach (var record in applied.Where(a => a.Checksum is not null))
        {
            var migration = migrations.FirstOrDefault(m => m.Version == record.Version);
            if (migration is not null && PlannedMigration.ChecksumOf(Statements(migration, migration.Up, generator)) != record.Checksum)
            {
                changed.Add(migration);
            }
        }

        return new MigrationPlan(steps, applied, changed)
        {
            Warnings = Lint.ReplicationSafetyLint.Check(steps.Select(s => s.Migration).ToList(), generator.Engine),
        };
    }

    public static MigrationPlan Down(IReadOnlyList<MigrationInfo> migrations, IReadOnlyList<AppliedMigration> applied, long to, SqlGenerator generator)
    {
        var steps = new List<PlannedMigration>();
        foreach (var record in applied.Where(a => a.Version > to).OrderByDescending(a => a.Version))
        {
            var migration = migrations.FirstOrDefault(m => m.Version == record.Version)
                ?? throw new MigrationDefinitionException($"version {record.Version} is applied, but no selected migration has that version; it cannot be rolled back from here");
            if (migration.Down is null)
            {
                throw new MigrationDefinitionException($"cannot roll back to {to}: migration {migration.Name} cannot be undone because {migration.WhyNoDown}");
            }

            steps.Add(new PlannedMigration(migration, Statements(migration, migration.Down, generator), OutOfOrder: false));
        }

        return new MigrationPlan(steps, applied, []);
    }

    private static IReadOnlyList<string> Statements(MigrationInfo migration, IReadOnlyList<MigrationExpression> expressions, SqlGenerator generator)
    {
        var statements = new List<string>();
        foreach (var expression in expressions)
        {
            if (migration.TransactionBehavior == TransactionBehavior.Default && IsConcurrent(expression) && generator.Engine == "postgres")
            {
                throw new MigrationDefinitionException(
                    $"migration {migration.Name}: {expression.Describe} uses CONCURRENTLY, which cannot run inside a transaction; declare it [Migration({migration.Version}, TransactionBehavior.None)]");
            }

            try
            {
                statements.AddRange(generator.Generate(expression));
            }
            catch (MigrationDefinitionException e)
            {
                throw new MigrationDefinitionException($"migration {migration.Name}: {e.Message}");
            }
        }

        return statements;
    }

    private static bool IsConcurrent(MigrationExpression expression) =>
        expression is CreateIndexExpression { Index.Concurrently: true } or DeleteIndexExpression { Concurrently: true };
}
