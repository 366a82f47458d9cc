using Orchestrator.Data;

namespace Orchestrator.Migrations.Running;

internal static class MigrationStoreExtensions
{
    /// <summary>The newest applied version, or null when the database has no version table or rows.</summary>
    public static async Task<long?> SchemaVersionAsync(this IVersionRecords store, IDbSession session, CancellationToken cancellationToken) =>
        (await store.ReadAppliedAsync(session, cancellationToken)).LastOrDefault()?.Version;
}
