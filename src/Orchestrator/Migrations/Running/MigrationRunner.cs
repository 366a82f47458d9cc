using System.Diagnostics;
using FluentMigrator;
using FluentMigrator.Expressions;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Migrations.Lint;
using Orchestrator.Migrations.Online;
using Orchestrator.Migrations.Translation;
using Orchestrator.Progress;
using Orchestrator.Servers;

namespace Orchestrator.Migrations.Running;

/// <summary>What a migrate run applies, beyond the pending migrations' defaults.</summary>
internal sealed record MigrateOptions
{
    /// <summary>Apply only up to this version (inclusive).</summary>
    public long? To { get; init; }

    /// <summary>Refuse changed applied migrations and risky statements.</summary>
    public bool Strict { get; init; }

    /// <summary>Apply migrations marked as breaking changes (FluentMigrator refuses them otherwise).</summary>
    public bool AllowBreakingChanges { get; init; }

    /// <summary>Of the pending migrations, only these.</summary>
    public Func<ProjectMigration, bool>? Only { get; init; }

    /// <summary>Let consecutive migrations share a round trip when nothing is due between them (off: one round trip each).</summary>
    public bool Together { get; init; } = true;

    /// <summary>
    /// Cancelled when the run should stop before its next migration (a fleet rollout stopping after
    /// a failure elsewhere): what ran stays applied and waited for, and the outcome says Stopped.
    /// </summary>
    public CancellationToken StopBefore { get; init; }
}

/// <summary>
/// Applies and rolls back FluentMigrator migrations on one database, written once for every
/// engine, in the order FluentMigrator's runner uses: BeforeAll maintenance, then per migration
/// BeforeEach, the migration and AfterEach, then BeforeProfiles, the profile and AfterAll. Each
/// run holds the database's migration lock, reads the version table only once the lock is held,
/// prepares (and so checks) every pending migration before executing anything, runs each migration
/// in its own transaction together with its version row where the engine and the migration allow,
/// and waits for the replicas to replay it.
/// </summary>
internal sealed class MigrationRunner(
    IDbSession session, IMigrationStore store, MigrationTranslator translator, IReplayPositions replay, string database, string appliedFrom, ITopologyProgress progress)
{
    private const string Subject = "migrations";

    private static readonly MigrationStage[] Stages = Enum.GetValues<MigrationStage>();

    private MigrationExecutor? _executorMade;

    /// <summary>The columns' types when the run was planned, for online forms that depend on whether a type changes.</summary>
    private ColumnTypes _columnTypes = ColumnTypes.None;

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The replicas that must replay each migration before it counts as done; null for none.</summary>
    public ReplicaWatch? Replicas { get; init; }

    public ReplayWait Wait { get; init; } = ReplayWait.PerMigration;

    /// <summary>How the run's statements wait for locks; null: as long as the server lets them.</summary>
    public LockWaitSetup? LockWaits { get; init; }

    /// <summary>How online table copies pace themselves (the environment's <c>migrations.max_replica_lag</c>).</summary>
    public TimeSpan MaxReplicaLag { get; init; } = CopyPacing.DefaultMaxReplicaLag;

    /// <summary>Versions that run as written, not in their online form (the environment's <c>migrations.offline</c>).</summary>
    public IReadOnlySet<long> Offline { get; init; } = new HashSet<long>();

    /// <summary>What migrate would do, read without the lock and without changing anything.</summary>
    public async Task<MigrationPlan> PlanAsync(MigrationProject project, long? to, CancellationToken cancellationToken)
    {
        await ReadColumnTypesAsync(cancellationToken);
        var plan = Prepare(project, await store.ReadAppliedAsync(session, cancellationToken), new MigrateOptions { To = to }, withCosts: true);
        var inProgress = await store.ReadInProgressAsync(session, cancellationToken);
        var refusals = new List<LintWarning>();
        // As migrate decides: before the migration runs (one in progress goes on as it began), by the schema as it is now.
        foreach (var step in plan.Steps.Where(s => s.Translated.Copies.Count > 0 && inProgress.All(p => p.Version != s.Migration.Version)))
        {
            if (await Executor.NewTableCopy().FirstUncopiableAsync(step.Translated.Copies, cancellationToken) is { } refused)
            {
                var (problem, what) = Uncopiable(step.Migration, refused.Copy, refused.Why);
                refusals.Add(new LintWarning(step.Migration, $"{problem}; migrate refuses it", what));
            }
        }

        return plan with
        {
            InProgress = inProgress,
            Warnings = [.. plan.Warnings, .. refusals],
        };
    }

    /// <summary>Why a migration's table cannot be copied online, and what the user can do instead.</summary>
    private static (string Problem, string What) Uncopiable(ProjectMigration migration, TableCopy copy, string why) => (
        $"the change of {copy.Change} cannot be copied online ({why}), and as written it holds writers while the table is rewritten",
        $"List {migration.Version} under 'migrations.offline' in the environment file to run it as written, " +
        "or, when an earlier statement of the same migration removes the cause, move that statement into a migration of its own before this one");

    /// <summary>
    /// Removes the online table copy migration <paramref name="version"/> has in progress, leaving
    /// the table as it was. When nothing else of the migration ran (its transaction held only the
    /// copy's mark), the migration is pending again; otherwise its transaction stays committed and
    /// the next migrate starts the copy anew. Returns the table, or null when no copy is in progress.
    /// </summary>
    public Task<(IReadOnlyList<string> Tables, bool Pending)> AbandonOnlineCopyAsync(MigrationProject project, long version, CancellationToken cancellationToken) =>
        UnderLockAsync(async _ =>
        {
            var tables = await Executor.NewTableCopy().AbandonAsync(version, cancellationToken);
            if (tables.Count == 0)
            {
                return (tables, false);
            }

            await ReadColumnTypesAsync(cancellationToken);
            var applied = await store.ReadAppliedAsync(session, cancellationToken);
            var planned = Prepare(project, applied, new MigrateOptions { Only = m => m.Version == version }).Steps.SingleOrDefault();
            var marked = (await store.ReadMarkedInProgressAsync(session, cancellationToken)).ContainsKey(version);
            var alone = planned is { Translated.Steps.Count: 0 };
            if (marked && alone)
            {
                await session.ExecuteBatchAsync(store.Remove(version), cancellationToken);
            }

            return (tables, marked && alone);
        }, cancellationToken);

    public Task<MigrationRunOutcome> MigrateAsync(MigrationProject project, MigrateOptions options, CancellationToken cancellationToken) =>
        UnderLockAsync(async lockWaited =>
        {
            await ReadColumnTypesAsync(cancellationToken);
            var plan = Prepare(project, await store.ReadAppliedAsync(session, cancellationToken), options);
            Check(plan, options);
            await VersionTableSetup.EnsureAsync(session, store, translator, cancellationToken);
            var inProgress = await store.ReadDoneStepsAsync(session, cancellationToken);
            var ran = new List<(PlannedMigration, TimeSpan)>();
            var elsewhere = new List<ProjectMigration>();
            var recurring = new List<string>();
            IReadOnlyList<ReplicaReplay> replayed = [];
            var waits = new List<TimeSpan>();
            await RunStageAsync(project, MigrationStage.BeforeAll, recurring, cancellationToken);
            var waited = true;
            foreach (var group in Groups(project, plan.Steps, options.Together, inProgress))
            {
                if (options.StopBefore.IsCancellationRequested)
                {
                    if (!waited && ran.Count > 0)
                    {
                        replayed = await AwaitReplicasAsync(ran[^1].Item1.Migration, up: true, ran.Count, null, cancellationToken);
                    }

                    return new MigrationRunOutcome(ran, plan.ChangedSinceApplied) { Replicas = replayed, ReplayWaits = waits, RecurringRan = recurring, AppliedElsewhere = elsewhere, Stopped = true, LockWaited = lockWaited };
                }

                if (group.Count > 1)
                {
                    await RunTogetherAsync(group, ran, cancellationToken);
                }

                var waitNow = Wait == ReplayWait.PerMigration || group[^1] == plan.Steps[^1];
                string? position = null;
                if (group.Count == 1)
                {
                    // The replicas' target position comes back with the migration, unless AfterEach maintenance still runs after it.
                    var ask = waitNow && HasReplicas && project.Maintenance(MigrationStage.AfterEach).Count == 0;
                    await RunStageAsync(project, MigrationStage.BeforeEach, recurring, cancellationToken);
                    var (elapsed, answer, skipped) = await RunAsync(group[0], up: true, ask ? replay.CommitPositionSql : null, cancellationToken, inProgress.GetValueOrDefault(group[0].Migration.Version));
                    if (skipped)
                    {
                        elsewhere.Add(group[0].Migration);
                    }
                    else
                    {
                        ran.Add((group[0], elapsed));
                    }

                    position = answer?.ToString();
                    await RunStageAsync(project, MigrationStage.AfterEach, recurring, cancellationToken);
                }

                waited = waitNow;
                if (waitNow)
                {
                    replayed = await AwaitReplicasAsync(group[^1].Migration, up: true, ran.Count, position, cancellationToken);
                    waits.Add(replayed.Select(r => r.Waited).DefaultIfEmpty().Max());
                }
            }

            var before = recurring.Count;
            await RunStageAsync(project, MigrationStage.BeforeProfiles, recurring, cancellationToken);
            await RunProfilesAsync(project, recurring, cancellationToken);
            await RunStageAsync(project, MigrationStage.AfterAll, recurring, cancellationToken);
            if (recurring.Count > before || (ran.Count == 0 && recurring.Count > 0))
            {
                replayed = await AwaitReplicasAsync(null, up: true, ran.Count, null, cancellationToken);
            }

            return new MigrationRunOutcome(ran, plan.ChangedSinceApplied) { Replicas = replayed, ReplayWaits = waits, RecurringRan = recurring, AppliedElsewhere = elsewhere, LockWaited = lockWaited };
        }, cancellationToken);

    public Task<MigrationRunOutcome> RollbackAsync(MigrationProject project, long to, CancellationToken cancellationToken) =>
        UnderLockAsync(async _ =>
        {
            var applied = await store.ReadAppliedAsync(session, cancellationToken);
            if ((await store.ReadInProgressAsync(session, cancellationToken)).FirstOrDefault() is { } partly)
            {
                var name = project.Find(partly.Version)?.Name ?? partly.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var (what, records) = partly.TransactionCommitted
                    ? ("its transaction committed, the statements after it did not all run", $"its row from {VersionTable.HistoryTableName}")
                    : ($"an earlier migrate did {Counted.Of(partly.StatementsDone, "statement")} of it, then failed or was killed", $"its rows from {VersionTable.ProgressTableName}");
                throw new MigrationFailedException(
                    $"migration {name} is partly applied ({what}), and a rollback would undo the migrations under it. " +
                    $"Finish it with migrate first, or undo its statements by hand and delete {records}. Nothing was rolled back.",
                    new InvalidOperationException("a migration is partly applied"));
            }

            // A database FluentMigrator's runner migrated has no history table to forget versions in yet.
            await VersionTableSetup.EnsureAsync(session, store, translator, cancellationToken);

            // Every Down() is described before anything runs, so one that cannot be undone refuses the whole rollback.
            var steps = MigrationPlanner.SelectDown(project.Migrations, applied, to)
                .Select(m => new PlannedMigration(translator.Translate(m, up: false), OutOfOrder: false))
                .ToList();
            var ran = new List<(PlannedMigration, TimeSpan)>();
            var recurring = new List<string>();
            IReadOnlyList<ReplicaReplay> replayed = [];
            foreach (var step in steps)
            {
                var waitNow = Wait == ReplayWait.PerMigration || step == steps[^1];
                var (elapsed, position, _) = await RunAsync(step, up: false, waitNow && HasReplicas ? replay.CommitPositionSql : null, cancellationToken);
                ran.Add((step, elapsed));
                if (waitNow)
                {
                    replayed = await AwaitReplicasAsync(step.Migration, up: false, ran.Count, position?.ToString(), cancellationToken);
                }
            }

            // FluentMigrator's MigrateDown applies the profile after the Down()s too (its Rollback and
            // RollbackToVersion do not). A profile that needs what was just undone then fails, after a
            // rollback that is complete: the message says so, rather than pass for a failed rollback.
            try
            {
                await RunProfilesAsync(project, recurring, cancellationToken);
            }
            catch (Exception e) when (e is MigrationFailedException or DatabaseException)
            {
                var profile = project.Profiles[recurring.Count];
                var now = to == 0 ? "none applied now" : $"now at version {to}";
                var cause = e is MigrationFailedException { InnerException: DatabaseException database } ? database.Message : e.Message;
                throw new MigrationFailedException(
                    $"the rollback completed ({Counted.Of(ran.Count, "migration")} undone, {now}), then the profile migration {profile.Name} failed: {cause}\n" +
                    "FluentMigrator applies the profile after a rollback too. Nothing needs rolling back again: make the profile cope with the rolled-back schema, " +
                    "or leave migrations.profile out of the environment file while rolling back.",
                    e);
            }

            if (recurring.Count > 0)
            {
                replayed = await AwaitReplicasAsync(null, up: false, ran.Count, null, cancellationToken);
            }

            return new MigrationRunOutcome(ran, []) { Replicas = replayed, RecurringRan = recurring };
        }, cancellationToken);

    /// <summary>Everything migrate would run, translated now: definition errors surface before the database is touched.</summary>
    /// <param name="withCosts">Tell each statement's cost (for plan; a run does not need it).</param>
    private MigrationPlan Prepare(MigrationProject project, IReadOnlyList<AppliedMigration> applied, MigrateOptions options, bool withCosts = false)
    {
        // Immutable: each migration keeps the tables created before it, sharing what the ones before kept.
        var created = System.Collections.Immutable.ImmutableHashSet.Create<string>(StringComparer.Ordinal);
        var steps = new List<PlannedMigration>();
        foreach (var (i, selected) in MigrationPlanner.SelectUp(project.Migrations, applied, options.To, options.Only).Index())
        {
            var translated = TranslateInAdvance(selected.Migration, first: i == 0);
            steps.Add(new PlannedMigration(Online(translated, created, withCosts), selected.OutOfOrder) { CreatedBefore = created });
            created = created.Union(translated.Expressions.OfType<CreateTableExpression>().Select(t => t.TableName));
        }

        var recurring = Stages.Where(s => s != MigrationStage.BeforeProfiles && s != MigrationStage.AfterAll).SelectMany(project.Maintenance)
            .Concat(project.Maintenance(MigrationStage.BeforeProfiles)).Concat(project.Profiles).Concat(project.Maintenance(MigrationStage.AfterAll))
            .Select(m => translator.Translate(m, up: true))
            .ToList();
        var unknown = steps.Select(s => s.Migration).Concat(recurring.Select(r => r.Migration))
            .SelectMany(m => IfDatabaseNames.Of(m.Type).Where(name => !IfDatabaseNames.Known.Contains(name)).Select(name => (m, name)))
            .ToList();
        var (changed, notComparable) = CompareApplied(project, applied);
        return new MigrationPlan(steps, applied, changed)
        {
            NotComparable = notComparable,
            Warnings = [
                .. ReplicationSafetyLint.Check(steps.Select(s => s.Translated).ToList(), translator.Syntax.Dialect),
                .. IdentifierLint.Check(steps.Select(s => s.Translated).ToList(), translator.Syntax.Dialect),
            ],
            Recurring = recurring,
            UnknownDatabaseNames = unknown,
        };
    }

    /// <summary>
    /// The migration's online form, unless the environment runs it as written, with what each
    /// statement costs. Tables created earlier in the run are empty: what changes them runs as written.
    /// </summary>
    private TranslatedMigration Online(TranslatedMigration translated, IReadOnlySet<string> createdBefore, bool withCosts = false) =>
        OnlineRewrite.Apply(translated, createdBefore, translator.Syntax.Dialect, translator.Syntax.Generator, online: !Offline.Contains(translated.Migration.Version), withCosts, _columnTypes);

    private MigrationExecutor Executor => _executorMade ??= new(session, store)
    {
        Advice = translator.Syntax.Dialect.FailureAdvice,
        TableCopies = translator.Syntax.Dialect.TableCopies is { } copies
            ? new TableCopySetup(
                copies,
                new CopyPacing(MaxReplicaLag, Replicas?.Timeout ?? TimeSpan.FromMinutes(5)),
                (query, token) => Replicas is { } replicas ? replicas.AskEachAsync(query, token) : Task.FromResult<IReadOnlyList<ReplicaHeartbeat>>([]))
            : null,
    };

    private async Task ReadColumnTypesAsync(CancellationToken cancellationToken)
    {
        if (translator.Syntax.Dialect.ColumnTypesSql is { } query)
        {
            var rows = await session.QueryAsync(query, cancellationToken: cancellationToken);
            _columnTypes = new ColumnTypes(rows.Select(r => (r.GetString("table_name")!, r.GetString("column_name")!, r.GetString("column_type")!)));
        }
    }

    /// <summary>
    /// A migration is described before the run, so that definition errors stop it before the
    /// database is touched. One that reads the database while it is described (a custom
    /// expression's ReadTableData or Exists) may read what earlier migrations of the same run
    /// create: when that read fails, it is described at its turn instead, as FluentMigrator's
    /// runner does. The first pending migration has nothing ahead of it, so its failure stands.
    /// </summary>
    private TranslatedMigration TranslateInAdvance(ProjectMigration migration, bool first)
    {
        try
        {
            return translator.Translate(migration, up: true);
        }
        catch (DatabaseException e) when (!first)
        {
            return TranslatedMigration.AtItsTurn(migration, e.Message);
        }
    }

    /// <summary>
    /// Applied migrations whose SQL differs from what was recorded, and those that cannot be
    /// compared: their SQL depends on what the database holds (they ask schema questions).
    /// </summary>
    private (List<ProjectMigration> Changed, List<ProjectMigration> NotComparable) CompareApplied(MigrationProject project, IReadOnlyList<AppliedMigration> applied)
    {
        var changed = new List<ProjectMigration>();
        var notComparable = new List<ProjectMigration>();
        foreach (var record in applied.Where(a => a.Checksum is not null))
        {
            if (project.Find(record.Version) is not { } migration)
            {
                continue;
            }

            var now = translator.Translate(migration, up: true);
            if (now.ReadsDatabase)
            {
                notComparable.Add(migration);
            }
            else if (now.Checksum != record.Checksum)
            {
                changed.Add(migration);
            }
        }

        return (changed, notComparable);
    }

    private void Check(MigrationPlan plan, MigrateOptions options)
    {
        if (!options.AllowBreakingChanges && plan.Steps.Where(s => s.Migration.IsBreakingChange).Select(s => s.Migration.Name).ToList() is { Count: > 0 } breaking)
        {
            throw new MigrationDefinitionException(
                $"migration{(breaking.Count == 1 ? "" : "s")} {string.Join(", ", breaking)} {(breaking.Count == 1 ? "is" : "are")} marked as a breaking change (BreakingChange = true); " +
                "nothing was applied. Run migrate with --allow-breaking-changes to apply them");
        }

        if (plan.ChangedSinceApplied.Count > 0)
        {
            var names = string.Join(", ", plan.ChangedSinceApplied.Select(m => m.Name));
            if (options.Strict)
            {
                throw new ChecksumMismatchException(
                    $"applied migrations changed since they were applied: {names}; their SQL no longer matches the recorded checksum (--strict). " +
                    "Restore their original code (a change belongs in a new migration), or run migrate without --strict to go on with a warning");
            }

            progress.Report(new ProgressEvent(Subject, $"warning: applied migrations changed since they were applied: {names}", ProgressKind.Info));
        }

        if (plan.Warnings.Count > 0 && options.Strict)
        {
            throw new ReplicationSafetyException(plan.Warnings);
        }

        foreach (var warning in plan.Warnings)
        {
            progress.Report(new ProgressEvent(Subject, $"warning: {warning}", ProgressKind.Info));
        }

        foreach (var (migration, name) in plan.UnknownDatabaseNames)
        {
            progress.Report(new ProgressEvent(Subject, $"warning: migration {migration.Name}: IfDatabase(\"{name}\") matches no database FluentMigrator knows; its expressions never run", ProgressKind.Info));
        }
    }

    /// <summary>
    /// Consecutive migrations that may run together in one round trip: nothing has to happen
    /// between them (no replica waits after each, no BeforeEach or AfterEach maintenance), and each
    /// runs plain SQL in a transaction, produced without asking the database. Every other
    /// migration is a group of its own.
    /// </summary>
    private IEnumerable<List<PlannedMigration>> Groups(MigrationProject project, IReadOnlyList<PlannedMigration> steps, bool allowed, IReadOnlyDictionary<long, IReadOnlyList<DoneStep>> inProgress)
    {
        const int MaxTogether = 100;
        var together = allowed && !store.ClaimsVersions && (Replicas is null || Replicas.Replicas.Count == 0 || Wait == ReplayWait.PerRun)
            && project.Maintenance(MigrationStage.BeforeEach).Count == 0 && project.Maintenance(MigrationStage.AfterEach).Count == 0;
        var group = new List<PlannedMigration>();
        foreach (var step in steps)
        {
            var fits = together && !step.Translated.ReadsDatabase && !step.Translated.StepByStep && step.Translated.After.Count == 0 && !inProgress.ContainsKey(step.Migration.Version)
                && step.Migration.TransactionBehavior == TransactionBehavior.Default;
            if (!fits || group.Count == MaxTogether)
            {
                if (group.Count > 0)
                {
                    yield return group;
                }

                group = [];
            }

            group.Add(step);
            if (!fits)
            {
                yield return group;
                group = [];
            }
        }

        if (group.Count > 0)
        {
            yield return group;
        }
    }

    /// <summary>Migrations that run together are reported as each completes, with an equal share of the round trip.</summary>
    private async Task RunTogetherAsync(List<PlannedMigration> group, List<(PlannedMigration, TimeSpan)> ran, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var reported = 0;
        void Completed(int count)
        {
            var share = clock.Elapsed / Math.Max(count, 1);
            for (; reported < count; reported++)
            {
                var step = group[reported];
                progress.Report(new ProgressEvent(Subject, $"apply {step.Migration.Name}{(step.OutOfOrder ? " (out of order)" : "")}", ProgressKind.Finished, share));
                ran.Add((step, share));
            }
        }

        await Executor.RunTogetherAsync(group.Select(s => s.Translated).ToList(), t => Bookkeeping(t, up: true, durationMs: null), Completed, cancellationToken);
    }

    /// <summary>A stage's maintenance migrations, translated as they run (they may ask the database), never recorded.</summary>
    private async Task RunStageAsync(MigrationProject project, MigrationStage stage, List<string> ran, CancellationToken cancellationToken)
    {
        foreach (var migration in project.Maintenance(stage))
        {
            await RunAsync(new PlannedMigration(translator.Translate(migration, up: true), false), up: true, null, cancellationToken);
            ran.Add(migration.Name);
        }
    }

    private async Task RunProfilesAsync(MigrationProject project, List<string> ran, CancellationToken cancellationToken)
    {
        foreach (var profile in project.Profiles)
        {
            await RunAsync(new PlannedMigration(translator.Translate(profile, up: true), false), up: true, null, cancellationToken);
            ran.Add(profile.Name);
        }
    }

    /// <summary>
    /// Runs one migration; one whose SQL depended on the database when it was planned is translated
    /// again now, so its schema questions see what the migrations before it did.
    /// </summary>
    /// <returns>Skipped: another runner applied the migration meanwhile (a store that claims versions).</returns>
    /// <param name="done">The steps an earlier run recorded as done, for a migration it left partly applied.</param>
    private async Task<(TimeSpan Elapsed, object? Answer, bool Skipped)> RunAsync(PlannedMigration step, bool up, string? thenAsk, CancellationToken cancellationToken, IReadOnlyList<DoneStep>? done = null)
    {
        var migration = step.Migration;
        var label = $"{(up ? "apply" : "roll back")} {migration.Name}{(step.OutOfOrder ? " (out of order)" : "")}";
        var clock = Stopwatch.StartNew();
        object? answer = null;
        var claim = up && store.ClaimsVersions && migration.Kind == MigrationKind.Versioned ? store.Claim(migration.Version) : [];
        try
        {
            await progress.StepAsync(Subject, label, async () =>
            {
                var translated = !step.Translated.ReadsDatabase ? step.Translated
                    : up ? Online(TranslateAgain(migration, up), step.CreatedBefore)
                    : TranslateAgain(migration, up);
                if (up && done is not null)
                {
                    translated = FormStartedIn(translated, done);
                }

                var resumeAt = done is null ? 0 : ResumeAt(translated, done);
                answer = translated.After.Count > 0
                    ? await RunOnlineAsync(translated, claim, thenAsk, cancellationToken)
                    : await Executor.RunAsync(translated, up, durationMs => Bookkeeping(translated, up, durationMs), claim, thenAsk, cancellationToken, resumeAt);
            });
        }
        catch (MigrationAlreadyAppliedException)
        {
            progress.Report(new ProgressEvent(Subject, $"{migration.Name} was applied by another runner meanwhile; skipped", ProgressKind.Info));
            return (clock.Elapsed, null, true);
        }

        return (clock.Elapsed, answer, false);
    }

    /// <summary>
    /// A migration whose online form runs statements after its transaction: the transaction
    /// commits marked in progress, the statements after it run (each skipped when the schema shows
    /// it done), and the version is recorded last. A rerun after a failure or a kill finds the mark
    /// and goes on after the transaction; a migration changed since then is refused.
    /// </summary>
    private async Task<object?> RunOnlineAsync(TranslatedMigration translated, IReadOnlyList<SqlStatement> claim, string? thenAsk, CancellationToken cancellationToken)
    {
        var migration = translated.Migration;
        var clock = Stopwatch.StartNew();
        var started = (await store.ReadMarkedInProgressAsync(session, cancellationToken)).GetValueOrDefault(migration.Version);
        if (started is null)
        {
            if (translated.Copies is { Count: > 0 } copies)
            {
                var tableCopy = Executor.NewTableCopy();
                // Refused before its transaction: nothing of it runs, and no writer waits for a rewrite nobody chose.
                if (await tableCopy.FirstUncopiableAsync(copies, cancellationToken) is { } refused)
                {
                    var (problem, what) = Uncopiable(migration, refused.Copy, refused.Why);
                    throw new MigrationFailedException($"migration {migration.Name}: {problem}. Nothing of the migration was run.\n{what}", new InvalidOperationException("cannot be copied online"));
                }

                // Copy records of an earlier application that was rolled back since would say "done".
                await tableCopy.ForgetAsync(migration.Version, cancellationToken);
            }

            await Executor.RunAsync(translated, up: true, _ => store.RecordInProgress(migration.Version, translated.Checksum, appliedFrom), claim, null, cancellationToken);
        }
        else if (started != translated.Checksum)
        {
            throw new MigrationFailedException(
                $"migration {migration.Name} is partly applied: an earlier run committed its transaction, then stopped before the statements after it; " +
                "its code has changed since, so the rest of it cannot be told apart from a different migration. " +
                $"Restore the code it ran with and run migrate again to finish it, or finish or undo it by hand and delete its row from {VersionTable.HistoryTableName}.",
                new InvalidOperationException("checksum mismatch"));
        }
        else
        {
            progress.Report(new ProgressEvent(Subject, $"{migration.Name}: its transaction was committed by an earlier run; going on with the statements after it", ProgressKind.Info));
        }

        await Executor.RunAfterAsync(translated, text => progress.Report(new ProgressEvent(Subject, $"{migration.Name}: {text}", ProgressKind.Info)), cancellationToken);
        return await Executor.RecordAsync(Bookkeeping(translated, up: true, (long)clock.Elapsed.TotalMilliseconds), thenAsk, cancellationToken);
    }

    /// <summary>
    /// A partly applied migration goes on in the form it started in: an earlier run may have
    /// changed its tables as written (they were new in that run) or online when this one would not.
    /// </summary>
    private TranslatedMigration FormStartedIn(TranslatedMigration planned, IReadOnlyList<DoneStep> done)
    {
        var chosen = StepEffects.FormStartedIn(planned, Alternatives(), done);
        if (!ReferenceEquals(chosen, planned))
        {
            progress.Report(new ProgressEvent(
                Subject,
                $"{planned.Migration.Name}: an earlier run started it {(chosen.OnlineChanges.Any(c => c.Applied) ? "in its online form" : "as written")}; it goes on in that form",
                ProgressKind.Info));
        }

        return chosen;

        // Translated again only when the planned form does not match: its online form on tables taken as old, and as written.
        IEnumerable<TranslatedMigration> Alternatives()
        {
            var written = TranslateAgain(planned.Migration, up: true);
            yield return OnlineRewrite.Apply(written, new HashSet<string>(), translator.Syntax.Dialect, translator.Syntax.Generator, online: true, withCosts: false, _columnTypes);
            yield return written;
        }
    }

    /// <summary>Where a migration an earlier run left partly applied goes on, said on the progress stream.</summary>
    private int ResumeAt(TranslatedMigration translated, IReadOnlyList<DoneStep> done)
    {
        var resumeAt = StepEffects.ResumePoint(translated, done, translator.Syntax.Dialect.SchemaQuestions(session.Connection), out var foundInSchema);
        var recorded = resumeAt - foundInSchema;
        var name = translated.Migration.Name;
        var found = foundInSchema switch
        {
            0 => "",
            1 => $", and statement {resumeAt} {(recorded == 0 ? "is done" : "too")} (its effect is in the schema)",
            _ => $", and statements {recorded + 1} to {resumeAt} {(recorded == 0 ? "are done" : "too")} (their effects are in the schema)",
        };
        progress.Report(new ProgressEvent(
            Subject,
            $"{name}: {(recorded == 0 ? $"an earlier run started it ({translated.Steps.Count} statements)" : $"an earlier run did statements 1 to {recorded} of {translated.Steps.Count}")}{found}; " +
            (resumeAt < translated.Steps.Count ? $"going on at statement {resumeAt + 1}" : "recording its version"),
            ProgressKind.Info));
        return resumeAt;
    }

    /// <summary>
    /// A migration that asks schema questions, described again as its turn comes. Its definition
    /// failing now is no longer bad input: the migrations before it in this run are applied.
    /// </summary>
    private TranslatedMigration TranslateAgain(ProjectMigration migration, bool up)
    {
        try
        {
            return translator.Translate(migration, up);
        }
        catch (Exception e) when (e is MigrationDefinitionException or DatabaseException)
        {
            throw new MigrationFailedException(
                $"{e.Message}\nIt failed when described again with the database as the migrations before it left it; nothing of it ran. " +
                "The migrations before it in this run stay applied ('history' shows them). Fix the migration, then run the command again.",
                e);
        }
    }

    private bool HasReplicas => Replicas is { Replicas.Count: > 0 };

    private IReadOnlyList<SqlStatement> Bookkeeping(TranslatedMigration translated, bool up, long? durationMs)
    {
        var migration = translated.Migration;
        if (migration.Kind != MigrationKind.Versioned)
        {
            return [];
        }

        return up
            ? [.. store.Record(new AppliedMigration(migration.Version, null, migration.Description, translated.Checksum, durationMs, appliedFrom)), .. store.ForgetSteps(migration.Version)]
            : store.Remove(migration.Version);
    }

    /// <summary>
    /// Waits until every replica has replayed what the primary has committed so far (and, after
    /// applying a migration, shows its version row); stops the run when one has not.
    /// </summary>
    /// <param name="position">What the primary committed, when the migration's own round trip brought it back; else it is asked now.</param>
    private async Task<IReadOnlyList<ReplicaReplay>> AwaitReplicasAsync(ProjectMigration? migration, bool up, int done, string? position, CancellationToken cancellationToken)
    {
        if (Replicas is null || Replicas.Replicas.Count == 0)
        {
            return [];
        }

        position ??= await replay.CommitPositionAsync(session, cancellationToken);
        var (results, primaryProblem) = await PrimaryWatch.WhileAnsweringAsync(session, token => Replicas.VerifyAsync(position, up ? migration?.Version : null, token), cancellationToken);
        var what = migration is null
            ? $"the maintenance and profile migrations ran on the primary (after {done} migration{(done == 1 ? "" : "s")} in this run) and stay so there"
            : $"migration {migration.Name} was {(up ? "applied" : "rolled back")} on the primary (with {done - 1} before it in this run) and stays so there";
        if (primaryProblem is not null || results is null)
        {
            throw new MigrationFailedException(
                $"{what}, but then the primary {primaryProblem} while the replicas were replaying it; they cannot receive what it had not sent them yet. " +
                "Bring the primary back ('up') or fail over to a replica ('failover'), then run the command again: it starts from the versions that primary has.",
                new InvalidOperationException("the primary stopped answering"));
        }

        var failed = results.Where(r => !r.Replayed).ToList();
        if (failed.Count == 0)
        {
            return results;
        }

        var report = string.Join("\n", results.Select(r => r.Replayed
            ? $"  {r.Node}: replayed ({r.Waited.TotalMilliseconds:0} ms)"
            : $"  {r.Node}: NOT replayed: {r.Failure!.Detail}"));
        throw new ReplicationLagException(
            $"{what}, but not every replica has replayed it:\n{report}\n" +
            "Repair or restart the replica; 'status' shows when it has caught up. Then run the command again to continue.",
            results);
    }

    /// <summary>Runs <paramref name="work"/> holding the database's migration lock, telling it how long the lock was waited for (zero: it was free).</summary>
    private async Task<T> UnderLockAsync<T>(Func<TimeSpan, Task<T>> work, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var announced = false;
        while (!await store.TryLockAsync(session, database, cancellationToken))
        {
            if (!announced)
            {
                var holder = await store.LockHolderAsync(session, database, cancellationToken);
                progress.Report(new ProgressEvent(Subject, $"waiting for the migration lock on '{database}' (held by {holder ?? "another runner"})", ProgressKind.Info));
                announced = true;
            }

            if (clock.Elapsed > LockTimeout)
            {
                throw new MigrationFailedException($"gave up waiting for the migration lock on '{database}' after {LockTimeout.TotalMinutes:0} minutes; is another migrate stuck?", new TimeoutException());
            }

            // Polling, not a blocking lock call: a runner blocked inside a statement would keep a
            // transaction open that CREATE INDEX CONCURRENTLY on the lock holder waits for.
            await Task.Delay(TimeSpan.FromMilliseconds(50 + Random.Shared.Next(100)), cancellationToken);
        }

        var waited = announced ? clock.Elapsed : TimeSpan.Zero;
        T result;
        try
        {
            await using var locks = LockWaits is { } setup
                ? await LockWaitRetry.StartAsync(session, setup.Waits, setup.Discipline, progress, setup.OpenObserver, cancellationToken)
                : null;
            Executor.Locks = locks;
            try
            {
                result = await work(waited);
            }
            finally
            {
                Executor.Locks = null;
            }
        }
        catch
        {
            // The failure is what the user needs to see. When it broke the session (the server
            // went down, the connection was cut), releasing the lock fails too, and the lock
            // went with the session anyway.
            try
            {
                await store.UnlockAsync(session, database, CancellationToken.None);
            }
            catch (Exception e) when (e is DatabaseException or InvalidOperationException or IOException)
            {
            }

            throw;
        }

        await store.UnlockAsync(session, database, CancellationToken.None);
        return result;
    }
}
