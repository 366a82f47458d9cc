using System.Security.Cryptography.X509Certificates;
using MySqlConnector;
using Npgsql;
using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>The serial number of the certificate a server presents to a fresh handshake (accepted only to be read).</summary>
internal static class PresentedCertificate
{
    public static async Task<string> SerialAsync(EngineKind engine, NodeDefinition node, string user, string password)
    {
        string? serial = null;
        bool Capture(X509Certificate? certificate)
        {
            serial = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()).SerialNumber;
            return true;
        }

        if (engine == EngineKind.Postgres)
        {
            var builder = new NpgsqlConnectionStringBuilder { Host = node.Host, Port = node.Port, Username = user, Password = password, Database = "postgres", Pooling = false, SslMode = SslMode.Require };
            await using var dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString)
                .UseSslClientAuthenticationOptionsCallback(options => options.RemoteCertificateValidationCallback = (_, certificate, _, _) => Capture(certificate))
                .Build();
            await using var connection = await dataSource.OpenConnectionAsync();
        }
        else
        {
            var builder = new MySqlConnectionStringBuilder { Server = node.Host, Port = (uint)node.Port, UserID = user, Password = password, Pooling = false, SslMode = MySqlSslMode.Required };
            await using var connection = new MySqlConnection(builder.ConnectionString) { RemoteCertificateValidationCallback = (_, certificate, _, _) => Capture(certificate) };
            await connection.OpenAsync();
        }

        return serial ?? throw new InvalidOperationException($"'{node.Name}' presented no certificate");
    }

    /// <summary>Connects as an application would, verifying the server against <paramref name="caFile"/> alone (verify-full); throws when refused.</summary>
    public static async Task ConnectVerifiedAsync(EngineKind engine, NodeDefinition node, string user, string password, string caFile)
    {
        if (engine == EngineKind.Postgres)
        {
            var builder = new NpgsqlConnectionStringBuilder { Host = node.Host, Port = node.Port, Username = user, Password = password, Database = "postgres", Pooling = false, SslMode = SslMode.VerifyFull, RootCertificate = caFile };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
        }
        else
        {
            var builder = new MySqlConnectionStringBuilder { Server = node.Host, Port = (uint)node.Port, UserID = user, Password = password, Pooling = false, SslMode = MySqlSslMode.VerifyFull, SslCa = caFile };
            await using var connection = new MySqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
        }
    }
}
