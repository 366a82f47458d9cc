using Orchestrator.Context;
using Orchestrator.Environments;
using Orchestrator.State;

namespace Orchestrator.Topology;

/// <summary>The CA that the certificates of the servers the tool runs come from, for applications to trust (<c>tls ca</c>).</summary>
internal static class EnvironmentCaCertificate
{
    /// <summary>The CA certificate as PEM text; never a key.</summary>
    /// <exception cref="TlsRequestException">The environment's servers are not the tool's, or run without TLS.</exception>
    /// <exception cref="LocalProviderException">The environment has not been brought up with TLS yet.</exception>
    public static string ReadPem(EnvironmentContext context)
    {
        var environment = context.Definition;
        if (!environment.RunsServers)
        {
            throw new TlsRequestException(
                $"environment '{environment.Name}' {(environment.DatabaseFile is null ? "uses provider 'external'" : "is a SQLite database file")}: " +
                "the tool made no CA for it; 'tls ca' prints the CA of local and docker environments");
        }

        if (environment.Tls == TlsMode.Disable)
        {
            throw new TlsRequestException(
                $"environment '{environment.Name}' says tls: disable, so its servers have no certificates; remove that line (verify-full is the default) and run 'up'");
        }

        var state = context.State!;
        var ca = EnvironmentCa.In(state, environment.FleetName);
        return ca.Exists
            ? File.ReadAllText(ca.CaFile)
            : throw new LocalProviderException(
                $"environment '{environment.Name}' has no CA in {state.Root} yet; run 'orchestrator up -e {UserPath.Of(environment.FilePath)}' first, which makes it");
    }
}
