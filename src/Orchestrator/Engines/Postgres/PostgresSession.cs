using System.Data.Common;
using Npgsql;
using Orchestrator.Data;
using Orchestrator.Environments;

namespace Orchestrator.Engines.Postgres;

/// <summary><see cref="IDbSession"/> over Npgsql; parameters are positional ($1, $2, ...).</summary>
internal sealed class PostgresSession : IDbSession
{
    /// <summary>
    /// One data source per connection string and type loading, kept for the life of the
    /// process: building one sets up the driver's type mappings, work a role change would
    /// otherwise repeat for each of its many short sessions. Unpooled, a data source holds no
    /// connection (and reads the CA file at each handshake). Past <see cref="KeptDataSources"/>
    /// (a process that visits many databases) a session builds its own, as before.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, bool), Lazy<NpgsqlDataSource>> DataSources = new();

    private const int KeptDataSources = 64;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlDataSource? _ownDataSource;

    private PostgresSession(NpgsqlConnection connection, NpgsqlDataSource? ownDataSource)
    {
        _connection = connection;
        _ownDataSource = ownDataSource;
    }

    public string ServerVersion => _connection.ServerVersion;

    public DbConnection Connection => _connection;

    public static async Task<PostgresSession> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = target.Host,
            Port = target.Port,
            Username = target.User,
            Password = target.Password?.Reveal(),
            Database = target.Database ?? "postgres",
            ApplicationName = "orchestrator",
            Timeout = 10,

            // Statements run as long as they need (an index build, a checksum over a large
            // table); the caller's cancellation token is what interrupts them.
            CommandTimeout = 0,
            Pooling = false,
            SslMode = target.Tls switch
            {
                TlsMode.Prefer => SslMode.Prefer,
                TlsMode.Require => SslMode.Require,
                TlsMode.VerifyFull => SslMode.VerifyFull,
                _ => SslMode.Disable,
            },
            RootCertificate = target.TrustedCaForDriver(),
            SslCertificate = target.Socket is null ? target.ClientCertificate?.CertificateFile : null,
            SslKey = target.Socket is null ? target.ClientCertificate?.KeyFile : null,

            // Lets a failed batch say which statement failed (PostgresException.BatchCommand).
            IncludeFailedBatchedCommand = true,
        };
        // Loading the database's types costs a catalog query per server; short-lived sessions
        // of the tool's own need only the built-in ones.
        NpgsqlDataSource Build() => new NpgsqlDataSourceBuilder(builder.ConnectionString).ConfigureTypeLoading(types => types.EnableTypeLoading(target.ForUserCode)).Build();
        var key = (builder.ConnectionString, target.ForUserCode);
        var own = DataSources.ContainsKey(key) || DataSources.Count < KeptDataSources ? null : Build();
        // Lazy: sessions opened side by side build the shared one once, and none is left undisposed.
        var dataSource = own ?? DataSources.GetOrAdd(key, _ => new Lazy<NpgsqlDataSource>(Build)).Value;
        try
        {
            return new PostgresSession(await dataSource.OpenConnectionAsync(cancellationToken), own);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }

            if (target.Tls == TlsMode.VerifyFull && CertificateDiagnosis.IsHandshakeRefusal(e) && await DiagnoseAsync(builder, target, cancellationToken) is { } why)
            {
                throw new DatabaseException($"could not connect to {target}: {why}", "certificate", e);
            }

            throw Translate(e, $"could not connect to {target}");
        }
    }

    /// <summary>A second handshake that only looks at the certificate the server presents, to say why it was refused.</summary>
    private static async Task<string?> DiagnoseAsync(NpgsqlConnectionStringBuilder refused, ConnectionTarget target, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(refused.ConnectionString) { SslMode = SslMode.Require, RootCertificate = null };
        System.Security.Cryptography.X509Certificates.X509Certificate2? seen = null;
        var errors = System.Net.Security.SslPolicyErrors.None;
        await using var dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString)
            .UseSslClientAuthenticationOptionsCallback(options => options.RemoteCertificateValidationCallback = (_, certificate, _, policyErrors) =>
            {
                seen ??= CertificateDiagnosis.Keep(certificate);
                errors = policyErrors;
                return false;
            })
            .Build();
        try
        {
            await using var _ = await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
        }

        using (seen)
        {
            return seen is null ? null : CertificateDiagnosis.Explain(seen, errors, target.Host, target.TrustedCaFile);
        }
    }

    public Task<long> ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        DriverCommands.ExecuteAsync<NpgsqlException>(Command(sql, parameters), e => Translate(e, "statement failed"), cancellationToken);

    public Task<IReadOnlyList<DbRow>> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        DriverCommands.QueryAsync<NpgsqlException>(Command(sql, parameters), e => Translate(e, "query failed"), cancellationToken);

    public async Task<object?> ExecuteBatchAsync(IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken = default)
    {
        if (statements.Count == 0)
        {
            return null;
        }

        await using var batch = new NpgsqlBatch(_connection);
        foreach (var statement in statements)
        {
            var command = new NpgsqlBatchCommand(statement.Sql);
            foreach (var value in statement.Parameters ?? [])
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            batch.BatchCommands.Add(command);
        }

        try
        {
            // Read every result: the last one, when the last statement is a query, is the answer.
            object? last = null;
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            do
            {
                last = reader.FieldCount > 0 && await reader.ReadAsync(cancellationToken) && !await reader.IsDBNullAsync(0, cancellationToken) ? reader.GetValue(0) : null;
            }
            while (await reader.NextResultAsync(cancellationToken));

            return last;
        }
        catch (PostgresException e)
        {
            var index = e.BatchCommand is { } failed ? batch.BatchCommands.IndexOf(failed) : (int?)null;
            throw new DatabaseException($"statement failed: {e.MessageText} (SQLSTATE {e.SqlState})", e.SqlState, e, index);
        }
        catch (NpgsqlException e)
        {
            throw Translate(e, "batch failed");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        if (_ownDataSource is not null)
        {
            await _ownDataSource.DisposeAsync();
        }
    }

    private NpgsqlCommand Command(string sql, IReadOnlyList<object?>? parameters)
    {
        var command = new NpgsqlCommand(sql, _connection);
        foreach (var value in parameters ?? [])
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    private static DatabaseException Translate(Exception e, string context) => e switch
    {
        PostgresException pg => new DatabaseException($"{context}: {pg.MessageText} (SQLSTATE {pg.SqlState})", pg.SqlState, e),
        _ => new DatabaseException($"{context}: {e.InnerException?.Message ?? e.Message}", "connection", e),
    };
}
