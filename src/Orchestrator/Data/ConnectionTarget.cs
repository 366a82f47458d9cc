using Orchestrator.Environments;

namespace Orchestrator.Data;

/// <summary>Where and as whom to connect. A null <see cref="Socket"/> means TCP to Host:Port.</summary>
public sealed record ConnectionTarget(string Host, int Port, string User, Secret? Password, string? Database, string? Socket = null)
{
    public TlsMode Tls { get; init; }

    public override string ToString() => Socket is null ? $"{User}@{Host}:{Port}" : $"{User}@{Socket}";
}
