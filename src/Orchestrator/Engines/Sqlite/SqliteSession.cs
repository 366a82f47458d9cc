using System.Data.Common;
using Microsoft.Data.Sqlite;
using Orchestrator.Data;

namespace Orchestrator.Engines.Sqlite;

/// <summary>
/// <see cref="IDbSession"/> over Microsoft.Data.Sqlite; parameters are positional ($1, $2, ...,
/// bound by name). The file is opened without pooling, so nothing keeps it open after the
/// session ends (a backup or a rehearsal may replace it). A session that may create its file
/// (<see cref="ConnectionTarget.CreateIfMissing"/>) and finds it missing reads an empty database
/// in memory until <see cref="CreateFileAsync"/>: planning or refusing creates no file.
/// </summary>
internal sealed class SqliteSession : IDbSession
{
    /// <summary>SQLITE_BUSY: another connection holds the lock this statement needs.</summary>
    public const string Busy = "5";

    private readonly TrackedConnection _connection;

    /// <summary>The connection string of the file to create at the first write; null once it is open.</summary>
    private string? _missing;

    private SqliteSession(TrackedConnection connection, string? missing)
    {
        _connection = connection;
        _missing = missing;
    }

    public string ServerVersion => $"SQLite {_connection.ServerVersion}";

    public DbConnection Connection => _connection;

    /// <summary>The database file this session has open (or will create).</summary>
    public string File => _missing is null ? _connection.DataSource : new SqliteConnectionStringBuilder(_missing).DataSource;

    /// <summary>How long a statement waits for a lock another connection holds before failing with <see cref="Busy"/>.</summary>
    public static TimeSpan LockWait { get; } = TimeSpan.FromMinutes(10);

    public static async Task<SqliteSession> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var file = target.File ?? throw new ArgumentException($"engine sqlite opens database files; {target} is a server", nameof(target));
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = target.CreateIfMissing ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = (int)LockWait.TotalSeconds,
            ForeignKeys = true,
        };
        var missing = target.CreateIfMissing && !System.IO.File.Exists(file) ? builder.ConnectionString : null;
        var connection = new TrackedConnection(missing is null ? builder.ConnectionString : Empty(builder));
        try
        {
            await connection.OpenAsync(cancellationToken);
            return new SqliteSession(connection, missing);
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync();
            throw CannotOpen(file, e);
        }
    }

    /// <summary>
    /// Creates the missing file this session stands for, mode 0600 (it holds the application's
    /// data), and goes on in it; nothing when the file was there at the start. Call it outside a transaction.
    /// </summary>
    public async Task CreateFileAsync(CancellationToken cancellationToken)
    {
        if (_missing is null)
        {
            return;
        }

        var path = Path.GetFullPath(File);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            // An empty file is an empty SQLite database; another runner may have created it meanwhile.
            await using (new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
            }
        }
        catch (IOException) when (System.IO.File.Exists(path))
        {
        }

        await _connection.CloseAsync();
        _connection.ConnectionString = _missing;
        _missing = null;
        try
        {
            await _connection.OpenAsync(cancellationToken);
        }
        catch (SqliteException e)
        {
            throw CannotOpen(path, e);
        }
    }

    public Task<long> ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        DriverCommands.ExecuteAsync<SqliteException>(Command(sql, parameters), e => Translate(e, "statement failed"), cancellationToken);

    public Task<IReadOnlyList<DbRow>> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        DriverCommands.QueryAsync<SqliteException>(Command(sql, parameters), e => Translate(e, "query failed"), cancellationToken);

    /// <summary>Statements run one after another in the process; there is no round trip to save.</summary>
    public async Task<object?> ExecuteBatchAsync(IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken = default)
    {
        object? last = null;
        for (var i = 0; i < statements.Count; i++)
        {
            await using var command = Command(statements[i].Sql, statements[i].Parameters);
            try
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                do
                {
                    last = reader.FieldCount > 0 && await reader.ReadAsync(cancellationToken) && !await reader.IsDBNullAsync(0, cancellationToken) ? reader.GetValue(0) : last;
                }
                while (await reader.NextResultAsync(cancellationToken));
            }
            catch (SqliteException e)
            {
                throw new DatabaseException($"statement failed: {e.Message}", Code(e), e, i);
            }
        }

        return last;
    }

    /// <summary>Runs <c>BEGIN IMMEDIATE</c>, waiting at most <paramref name="wait"/> for another writer; false when it is still busy.</summary>
    public async Task<bool> TryBeginImmediateAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        await using var command = Command("BEGIN IMMEDIATE", null);
        command.CommandTimeout = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (SqliteException e) when (Code(e) == Busy)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private SqliteCommand Command(string sql, IReadOnlyList<object?>? parameters)
    {
        // A transaction begun through the connection (Execute.WithConnection's) must be named on
        // every command; one begun with SQL is the library's business no more than the server's.
        var command = new SqliteCommand(sql, _connection) { Transaction = _connection.Active };
        for (var i = 0; i < (parameters?.Count ?? 0); i++)
        {
            command.Parameters.AddWithValue($"${i + 1}", parameters![i] ?? DBNull.Value);
        }

        return command;
    }

    /// <summary>A private, empty in-memory database with the file's settings: what a missing file holds.</summary>
    private static string Empty(SqliteConnectionStringBuilder file) =>
        new SqliteConnectionStringBuilder(file.ConnectionString) { DataSource = ":memory:" }.ConnectionString;

    private static DatabaseException CannotOpen(string file, SqliteException e) =>
        new(e.SqliteErrorCode == 14 ? $"could not open {file}: the file does not exist or cannot be opened" : $"could not open {file}: {e.Message}", Code(e), e);

    private static DatabaseException Translate(SqliteException e, string what) =>
        new($"{what}: {e.Message}", Code(e), e);

    private static string Code(SqliteException e) => e.SqliteErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A connection that tells which transaction begun through it is active.</summary>
    private sealed class TrackedConnection(string connectionString) : SqliteConnection(connectionString)
    {
        public SqliteTransaction? Active => Transaction;
    }
}
