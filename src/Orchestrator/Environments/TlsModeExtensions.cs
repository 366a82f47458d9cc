namespace Orchestrator.Environments;

internal static class TlsModeExtensions
{
    /// <summary>
    /// Whether the servers the tool starts refuse plain connections: under require and
    /// verify-full; prefer gives them certificates but still admits plain clients.
    /// </summary>
    public static bool ServersRefusePlain(this TlsMode tls) => tls is TlsMode.Require or TlsMode.VerifyFull;
}
