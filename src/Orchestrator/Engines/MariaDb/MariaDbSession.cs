using System.Data.Common;
using System.Globalization;
using MySqlConnector;
using Orchestrator.Data;
using Orchestrator.Environments;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// <see cref="IDbSession"/> over MySqlConnector: asynchronous, parameters bound by the driver as
/// positional <c>?</c> placeholders, and a cancelled token stops the running statement (the
/// driver sends KILL QUERY on a side connection).
/// </summary>
internal sealed class MariaDbSession : IDbSession
{
    /// <summary>The session variable a batch sets before each of its statements, to tell which one failed.</summary>
    private const string StatementMarker = "@orchestrator_statement";

    private readonly MySqlConnection _connection;

    private MariaDbSession(MySqlConnection connection, string serverVersion)
    {
        _connection = connection;
        ServerVersion = serverVersion;
    }

    public string ServerVersion { get; }

    public DbConnection Connection => _connection;

    public static async Task<MariaDbSession> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            UserID = target.User,
            Password = target.Password?.Reveal() ?? "",
            Database = target.Database ?? "",
            CharacterSet = "utf8mb4",
            ConnectionTimeout = 10,

            // Statements run as long as they need; the caller's token is what interrupts them.
            DefaultCommandTimeout = 0,
            Pooling = false,
            AutoEnlist = false,

            // Batches set a session variable, and users' scripts may use their own.
            AllowUserVariables = true,

            // The runner controls transactions with SQL as well as through ADO.NET (MariaDB ends
            // them implicitly at each schema change), so commands need not name one.
            IgnoreCommandTransaction = true,
            ConvertZeroDateTime = true,
            SslMode = target.Socket is not null ? MySqlSslMode.None : target.Tls switch
            {
                TlsMode.Prefer => MySqlSslMode.Preferred,
                TlsMode.Require => MySqlSslMode.Required,
                TlsMode.VerifyFull => MySqlSslMode.VerifyFull,
                _ => MySqlSslMode.None,
            },
            SslCa = target.TrustedCaForDriver() ?? "",
            SslCert = target.Socket is null ? target.ClientCertificate?.CertificateFile ?? "" : "",
            SslKey = target.Socket is null ? target.ClientCertificate?.KeyFile ?? "" : "",
        };
        if (target.Socket is null)
        {
            builder.Server = target.Host;
            builder.Port = (uint)target.Port;
        }
        else
        {
            builder.Server = target.Socket;
            builder.ConnectionProtocol = MySqlConnectionProtocol.UnixSocket;
        }

        var connection = new MySqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var session = new MariaDbSession(connection, MariaDbVersion.Parse(connection.ServerVersion));
            if (target.Socket is null && target.Tls is TlsMode.Require or TlsMode.VerifyFull)
            {
                await session.EnsureEncryptedAsync(target, cancellationToken);
            }

            return session;
        }
        catch (MySqlException e) when (target.Socket is null && target.Tls == TlsMode.VerifyFull && CertificateDiagnosis.IsHandshakeRefusal(e))
        {
            await connection.DisposeAsync();
            throw await DiagnoseAsync(builder, target, cancellationToken) is { } why
                ? new DatabaseException($"could not connect to {target}: {why}", "certificate", e)
                : Translate(e, $"could not connect to {target}");
        }
        catch (MySqlException e)
        {
            await connection.DisposeAsync();
            var plainRefused = target.Socket is null && target.Tls == TlsMode.Disable && e.Number == AccessDenied;
            throw Translate(e, $"could not connect to {target}", hint: plainRefused
                ? "; a server that refuses plain connections (require_secure_transport, an account's REQUIRE SSL, as on the servers the tool starts) answers them so: connect with tls: verify-full or require instead of tls: disable"
                : "");
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public Task<long> ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        DriverCommands.ExecuteAsync<MySqlException>(Command(sql, parameters), e => Translate(e, "statement failed"), cancellationToken);

    public Task<IReadOnlyList<DbRow>> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        DriverCommands.QueryAsync<MySqlException>(Command(sql, parameters), e => Translate(e, "query failed"), cancellationToken);

    /// <summary>
    /// One multi-statement query, one round trip. Each statement is preceded by setting a session
    /// variable to its position, so after a failure the server says which statement it stopped at
    /// (the driver does not). A statement may itself hold several (a script): the server parses
    /// those, trigger and procedure bodies included.
    /// </summary>
    public async Task<object?> ExecuteBatchAsync(IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken = default)
    {
        if (statements.Count == 0)
        {
            return null;
        }

        var text = new System.Text.StringBuilder();
        var parameters = new List<object?>();
        for (var i = 0; i < statements.Count; i++)
        {
            // A newline before the delimiter ends a trailing "-- comment"; a statement that already ends with one gets none.
            text.Append(CultureInfo.InvariantCulture, $"SET {StatementMarker} = {i};\n").Append(statements[i].Sql).Append(MariaDbSql.EndsWithDelimiter(statements[i].Sql) ? "\n" : "\n;\n");
            parameters.AddRange(statements[i].Parameters ?? []);
        }

        await using var command = Command(text.ToString(), parameters);
        try
        {
            // The reader skips results without rows: the last one it meets is the last query's.
            object? last = null;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            do
            {
                last = reader.FieldCount > 0 && await reader.ReadAsync(cancellationToken) && !await reader.IsDBNullAsync(0, cancellationToken) ? reader.GetValue(0) : last;
            }
            while (await reader.NextResultAsync(cancellationToken));

            return last;
        }
        catch (MySqlException e)
        {
            throw Translate(e, "statement failed", await FailedStatementAsync());
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task<int?> FailedStatementAsync()
    {
        if (_connection.State != System.Data.ConnectionState.Open)
        {
            // The failure broke the connection (killed, the server gone): nobody is left to ask.
            return null;
        }

        try
        {
            await using var command = new MySqlCommand($"SELECT {StatementMarker}", _connection);
            return await command.ExecuteScalarAsync() is { } value and not DBNull ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : null;
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>MySqlConnector refuses a server without TLS under Required, but the tool checks what was negotiated all the same.</summary>
    private async Task EnsureEncryptedAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var cipher = (await QueryAsync("SHOW SESSION STATUS LIKE 'Ssl_cipher'", cancellationToken: cancellationToken)).SingleOrDefault()?.GetString("Value");
        if (string.IsNullOrEmpty(cipher))
        {
            throw new DatabaseException(
                $"could not connect to {target}: TLS is required (tls: {target.Tls.ToString().ToLowerInvariant()}) but the server did not encrypt the connection; is TLS enabled on it?", "2026");
        }
    }

    private MySqlCommand Command(string sql, IReadOnlyList<object?>? parameters)
    {
        var command = new MySqlCommand(sql, _connection);
        foreach (var value in parameters ?? [])
        {
            command.Parameters.Add(new MySqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    /// <summary>Keeps the server's error number (the driver's own for client-side failures, such as 1042 for an unreachable host).</summary>
    /// <summary>A second handshake that only looks at the certificate the server presents, to say why it was refused.</summary>
    private static async Task<string?> DiagnoseAsync(MySqlConnectionStringBuilder refused, ConnectionTarget target, CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder(refused.ConnectionString) { SslMode = MySqlSslMode.Required, SslCa = "" };
        System.Security.Cryptography.X509Certificates.X509Certificate2? seen = null;
        var errors = System.Net.Security.SslPolicyErrors.None;
        await using var connection = new MySqlConnection(builder.ConnectionString)
        {
            RemoteCertificateValidationCallback = (_, certificate, _, policyErrors) =>
            {
                seen ??= CertificateDiagnosis.Keep(certificate);
                errors = policyErrors;
                return false;
            },
        };
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (MySqlException)
        {
        }

        using (seen)
        {
            return seen is null ? null : CertificateDiagnosis.Explain(seen, errors, target.Host, target.TrustedCaFile);
        }
    }

    /// <summary>ER_ACCESS_DENIED_ERROR, which is also the answer to a plain login of an account that requires TLS.</summary>
    private const int AccessDenied = 1045;

    /// <remarks>A failed TLS handshake says only "SSL Authentication Error"; the reason (an untrusted CA, a host name the certificate lacks) is the inner exception's.</remarks>
    private static DatabaseException Translate(MySqlException e, string context, int? statementIndex = null, string hint = "") =>
        new(
            $"{context}: {e.Message}{(e.InnerException is System.Security.Authentication.AuthenticationException tls ? $": {tls.Message}" : "")} (MariaDB error {e.Number}){hint}",
            e.Number.ToString(CultureInfo.InvariantCulture),
            e,
            statementIndex);
}
