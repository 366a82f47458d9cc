using Orchestrator.Data;

namespace Orchestrator.Migrations.Running;

internal static class MigrationStoreExtensions
{
    /// <summary>The newest applied version, or null when the database has no version table or rows.</summary>
    public static async Task<long?> SchemaVersionAsync(this IVersionRecords store, IDbSession session, CancellationToken cancellationToken) =>
        (await store.ReadAppliedAsync(session, cancellationToken)).LastOrDefault()?.Version;

    /// <summary>
    /// Every migration in progress, whichever record says so (statements recorded as done, or the
    /// mark of a committed transaction with statements after it), by version; none where the
    /// records are not there (a database never migrated by this tool).
    /// </summary>
    public static async Task<IReadOnlyList<MigrationInProgress>> ReadInProgressAsync(this IProgressRecords store, IDbSession session, CancellationToken cancellationToken)
    {
        var done = await store.ReadDoneStepsAsync(session, cancellationToken);
        IReadOnlyDictionary<long, string> marked;
        try
        {
            marked = await store.ReadMarkedInProgressAsync(session, cancellationToken);
        }
        catch (DatabaseException)
        {
            // No history table: nothing was ever marked.
            marked = new Dictionary<long, string>();
        }

        return done.Select(d => new MigrationInProgress(d.Key, DoneStep.StatementsDone(d.Value), TransactionCommitted: false))
            .Concat(marked.Keys.Where(v => !done.ContainsKey(v)).Select(v => new MigrationInProgress(v, 0, TransactionCommitted: true)))
            .OrderBy(m => m.Version)
            .ToList();
    }
}
