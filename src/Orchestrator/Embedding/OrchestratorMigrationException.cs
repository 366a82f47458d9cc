namespace Orchestrator.Embedding;

/// <summary>
/// A migrate run failed in a way the tool anticipates: <see cref="Kind"/> says which, and the
/// message says what happened and what to do, with secrets redacted.
/// </summary>
public sealed class OrchestratorMigrationException : Exception
{
    /// <param name="kind">Why the run failed.</param>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The failure underneath, if any.</param>
    public OrchestratorMigrationException(MigrationFailureKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Why the run failed.</summary>
    public MigrationFailureKind Kind { get; }

    /// <summary>For <see cref="MigrationFailureKind.InvalidEnvironment"/>: every problem, each as <c>file:line:column: message</c>; empty otherwise.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>For <see cref="MigrationFailureKind.ReplicasBehind"/>: each replica's replay; empty otherwise.</summary>
    public IReadOnlyList<ReplicaReplayStatus> Replicas { get; init; } = [];
}
