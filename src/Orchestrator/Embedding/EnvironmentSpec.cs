namespace Orchestrator.Embedding;

/// <summary>
/// An environment of existing servers described in code rather than in a file: what an
/// environment file with <c>provider: external</c> says. It is checked by the same rules as a file
/// (every problem at once, see <see cref="MigrationFailureKind.InvalidEnvironment"/>).
/// </summary>
/// <param name="Name">The environment's name: letters, digits, '_', '.' and '-'.</param>
/// <param name="Engine">The servers' engine.</param>
/// <param name="Database">The application database the migrations apply to.</param>
/// <param name="Admin">The account the migrations run as; it also reads the replicas' positions.</param>
/// <param name="Nodes">The primary and its replicas.</param>
public sealed record EnvironmentSpec(string Name, DatabaseEngine Engine, string Database, DatabaseCredential Admin, IReadOnlyList<NodeSpec> Nodes)
{
    /// <summary>How connections use TLS; <see cref="TlsPolicy.Prefer"/> unless set.</summary>
    public TlsPolicy Tls { get; init; } = TlsPolicy.Prefer;

    /// <summary>How long every replica has to replay a migration before the run fails with <see cref="MigrationFailureKind.ReplicasBehind"/>; 60 seconds unless set.</summary>
    public TimeSpan ReplayTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
