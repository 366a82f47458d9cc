using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations.Lint;

/// <summary>
/// Flags statements that take long locks or rewrite large tables on a replicated primary (where
/// every replica then replays the same rewrite). Only tables that existed before the run count:
/// one created earlier in the same run is empty, so nothing blocks on it. Pure: no I/O.
/// </summary>
public static class ReplicationSafetyLint
{
    public static IReadOnlyList<LintWarning> Check(IReadOnlyList<MigrationInfo> pending, string engine)
    {
        var created = new HashSet<string>(StringComparer.Ordinal);
        var warnings = new List<LintWarning>();
        foreach (var migration in pending)
        {
            foreach (var expression in migration.Up.Where(e => e.Databases is null || e.Databases.Contains(engine)))
            {
                if (expression is CreateTableExpression table)
                {
                    created.Add(table.Table);
                    continue;
                }

                var warning = engine == "postgres" ? Postgres(migration, expression, created) : MariaDb(migration, expression, created);
                if (warning is not null)
                {
                    warnings.Add(warning);
                }
            }
        }

        return warnings;
    }

    private static LintWarning? Postgres(MigrationInfo migration, MigrationExpression expression, HashSet<string> created) => expression switch
    {
        CreateIndexExpression { Index.Concurrently: false } e when !created.Contains(e.Index.Table ?? "") => new(
            migration,
            $"CREATE INDEX \"{e.Index.EffectiveName}\" on existing table \"{e.Index.Table}\" blocks writes to it while it builds",
            $".Concurrently() in a migration declared [Migration({migration.Version}, TransactionBehavior.None)]"),
        AlterColumnExpression { Column.Type: not null } e when !created.Contains(e.Table) => new(
            migration,
            $"changing the type of \"{e.Table}\".\"{e.Column.Name}\" rewrites the table under an exclusive lock, and every replica replays the rewrite",
            "add a new column, backfill it in batches, then switch readers and drop the old one"),
        AlterColumnExpression { Column.IsNullable: false } e when !created.Contains(e.Table) => new(
            migration,
            $"SET NOT NULL on \"{e.Table}\".\"{e.Column.Name}\" scans the whole table under an exclusive lock",
            $"add CHECK (\"{e.Column.Name}\" IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later migration, then SET NOT NULL (the check spares the scan)"),
        CreateColumnExpression { Column.DefaultValue: SystemMethods.NewGuid } e when !created.Contains(e.Table) => new(
            migration,
            $"adding \"{e.Table}\".\"{e.Column.Name}\" with a volatile default (gen_random_uuid()) rewrites the whole table",
            "add the column without a default, set the default separately, then backfill existing rows in batches"),
        _ => null,
    };

    private static LintWarning? MariaDb(MigrationInfo migration, MigrationExpression expression, HashSet<string> created) => expression switch
    {
        AlterColumnExpression e when !created.Contains(e.Table) => new(
            migration,
            $"MODIFY COLUMN `{e.Column.Name}` on existing table `{e.Table}` cannot always run with ALGORITHM=INSTANT or INPLACE, LOCK=NONE; a table copy blocks writes and replicas replay it",
            "check it with ALTER TABLE ... ALGORITHM=INSTANT (or INPLACE, LOCK=NONE) on a copy first, or add a new column and backfill it"),
        _ => null,
    };
}
