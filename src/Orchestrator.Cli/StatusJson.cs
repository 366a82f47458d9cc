using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Topology;

namespace Orchestrator.Cli;

/// <summary>
/// The stable JSON shape of <c>status --json</c> (documented in the README). Field names and
/// meanings only ever grow; nulls are written, not omitted, so every key is always present.
/// </summary>
internal static class StatusJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Render(EnvironmentStatus status) => JsonSerializer.Serialize(
        new
        {
            environment = status.Environment,
            engine = status.Engine.ToString().ToLowerInvariant(),
            provider = status.Provider.ToString().ToLowerInvariant(),
            splitBrain = status.SplitBrain,
            writableNodes = status.WritableNodes,
            archiverProblems = status.ArchiverProblems,
            nodes = status.Nodes.Select(n => new
            {
                name = n.Name,
                endpoint = n.Endpoint,
                expectedRole = n.ExpectedRole,
                role = n.Role,
                reachable = n.Reachable,
                error = n.Error,
                serverVersion = n.ServerVersion,
                replicatingFrom = n.ReplicatingFrom,
                expectedSource = n.ExpectedSource,
                replicationState = n.ReplicationState,
                position = n.Position,
                lagBytes = n.LagBytes,
                lagTransactions = n.LagTransactions,
                lagSeconds = n.LagSeconds,
                schemaVersion = n.SchemaVersion,
                pendingMigrations = n.PendingMigrations,
                migrationsInProgress = n.InProgressMigrations.Select(m => new { version = m.Version, statementsDone = m.StatementsDone, transactionCommitted = m.TransactionCommitted }),
                lastAppliedOn = n.LastAppliedOn,
                file = n.File is { } f ? new { sizeBytes = f.SizeBytes, journalMode = f.JournalMode } : null,
                certificateNotAfter = n.CertificateNotAfter,
                archive = n.Archive is { } archive
                    ? new { failing = archive.Failing, lastArchivedFile = archive.LastArchivedFile, lastArchivedAt = archive.LastArchivedAt, lastFailedFile = archive.LastFailedFile, lastFailedAt = archive.LastFailedAt, failedCount = archive.FailedCount }
                    : null,
                synchronous = n.Synchronous is { } sync
                    ? new { waits = sync.Waits, expected = n.ExpectsSynchronous, acknowledgingReplicas = sync.Acknowledging, waitingCommits = sync.WaitingCommits, stalled = sync.Stalled }
                    : null,
            }),
            migrationsProblem = status.MigrationsProblem,
        },
        Options);
}
