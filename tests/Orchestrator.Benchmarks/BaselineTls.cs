using Orchestrator.State;

namespace Orchestrator.Benchmarks;

/// <summary>
/// The raw clients of the baselines connect as the tool does, with the server certificate checked
/// against the environment's CA: the comparison is then TLS against TLS.
/// </summary>
internal static class BaselineTls
{
    private static string Ca(EnvironmentCredentials credentials) =>
        credentials.TrustedCaFile ?? throw new InvalidOperationException("the benchmark environment runs without TLS");

    /// <summary>libpq's variables for psql, pg_dump and the exporter.</summary>
    public static Dictionary<string, string> Libpq(EnvironmentCredentials credentials, string? caFile = null) => new()
    {
        ["PGSSLMODE"] = "verify-full",
        ["PGSSLROOTCERT"] = caFile ?? Ca(credentials),
    };

    /// <summary>The MariaDB clients' options (they use no TLS unless told).</summary>
    public static string[] MariaDbClient(EnvironmentCredentials credentials) =>
        ["--ssl", "--ssl-verify-server-cert", $"--ssl-ca={Ca(credentials)}"];

    /// <summary>The TLS part of an ADO.NET connection string, for FluentMigrator's own runner.</summary>
    public static string ConnectionString(EnvironmentCredentials credentials, bool postgres) =>
        postgres ? $"SSL Mode=VerifyFull;Root Certificate={Ca(credentials)}" : $"SslMode=VerifyFull;SslCa={Ca(credentials)}";
}
