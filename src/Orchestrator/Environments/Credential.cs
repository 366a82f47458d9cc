namespace Orchestrator.Environments;

/// <summary>A database account. A null password on a local environment means "generate one".</summary>
internal sealed record Credential(string User, Secret? Password)
{
    /// <summary>The client certificate the account presents (external environments' admin only); null for none.</summary>
    public ClientCertificate? Certificate { get; init; }
}
