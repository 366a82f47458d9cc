using Orchestrator.Migrations.Running;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Orchestrator.Backups;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Progress;

namespace Orchestrator.Engines.Sqlite;

/// <summary>
/// A SQLite backup is a copy of the database file made with SQLite's online backup API: one
/// consistent snapshot however busy the file is. Its checksums are computed on the copy, so they
/// describe exactly that snapshot. A restore copies it back the same way and checks the result
/// with PRAGMA integrity_check.
/// </summary>
internal sealed class SqliteBackups(SqliteEngine engine) : IBackupEngine
{
    public const string DatabaseFile = "database.sqlite";

    public async Task<TakenBackup> TakeAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        if (request.Kind != BackupKind.Logical)
        {
            throw new BackupRefusedException("a SQLite backup is a copy of the database file made with SQLite's online backup API; --kind physical does not apply. Leave --kind out.");
        }

        var source = SqliteEngine.FileOf(request.Node);
        var copy = Path.Combine(request.Directory, DatabaseFile);
        await request.Progress.StepAsync(request.Node.Name, $"copy {source} with the online backup API", () => Task.Run(() => Copy(source, copy), cancellationToken));

        var target = ConnectionTarget.ToFile(copy);
        IReadOnlyList<TableChecksum> tables = [];
        long? version = null;
        string serverVersion = "";
        await request.Progress.StepAsync(request.Node.Name, "row counts and checksums of every table in the copy", async () =>
        {
            await using var session = await engine.ConnectAsync(target, cancellationToken);
            serverVersion = session.ServerVersion;
            tables = await ChecksumsAsync(session, cancellationToken);
            version = await engine.MigrationStore(request.VersionTable).SchemaVersionAsync(session, cancellationToken);
        });
        return new TakenBackup(
            serverVersion,
            "SQLite database file (online backup API)",
            "n/a (a SQLite file has no replication position)",
            version,
            tables,
            new Dictionary<string, string> { ["sqlite"] = serverVersion });
    }

    public async Task<IReadOnlyList<TableChecksum>> ChecksumAsync(ConnectionTarget database, CancellationToken cancellationToken)
    {
        await using var session = await engine.ConnectAsync(database, cancellationToken);
        return await ChecksumsAsync(session, cancellationToken);
    }

    public Task VerifyAsync(string directory, BackupManifest manifest, LocalSettings local, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Replaces the file <paramref name="admin"/> names with the backup's copy, then checks its integrity.</summary>
    public async Task RestoreLogicalAsync(ConnectionTarget admin, string database, string directory, BackupManifest manifest, bool replicate, LocalSettings local, ITopologyProgress progress, CancellationToken cancellationToken)
    {
        var target = admin.File ?? throw new ArgumentException($"a SQLite backup is restored into a database file; {admin} is a server", nameof(admin));
        await progress.StepAsync(Path.GetFileName(target), $"copy {DatabaseFile} into {target}", () => Task.Run(() => Copy(Path.Combine(directory, DatabaseFile), target), cancellationToken));
        await progress.StepAsync(Path.GetFileName(target), "PRAGMA integrity_check", async () =>
        {
            await using var session = await engine.ConnectAsync(admin with { Database = null }, cancellationToken);
            var problems = (await session.QueryAsync("PRAGMA integrity_check", cancellationToken: cancellationToken)).Select(r => r.GetString("integrity_check")).ToList();
            if (problems is not ["ok"])
            {
                throw new BackupInvalidException($"the restored copy in {target} fails SQLite's integrity check: {string.Join("; ", problems.Take(10))}");
            }
        });
    }

    /// <summary>Copies a whole database file page by page under SQLite's own locking.</summary>
    private static void Copy(string from, string to)
    {
        var source = new SqliteConnectionStringBuilder { DataSource = from, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString;
        var destination = new SqliteConnectionStringBuilder { DataSource = to, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ConnectionString;
        try
        {
            using var reader = new SqliteConnection(source);
            reader.Open();
            using (var wait = reader.CreateCommand())
            {
                // The copy's read lock waits out a writer's commit rather than failing at once.
                wait.CommandText = "PRAGMA busy_timeout = 60000";
                wait.ExecuteNonQuery();
            }

            using var writer = new SqliteConnection(destination);
            reader.BackupDatabase(writer);
        }
        catch (SqliteException e)
        {
            throw new DatabaseException($"could not copy {from} to {to}: {e.Message}", e.SqliteErrorCode.ToString(CultureInfo.InvariantCulture), e);
        }
    }

    /// <summary>
    /// Per table: its rows and the sum (mod 2^64) of the first 8 bytes of each row's SHA-256, over
    /// the row's values as text; the order rows are stored in does not matter.
    /// </summary>
    private static async Task<IReadOnlyList<TableChecksum>> ChecksumsAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var tables = (await session.QueryAsync("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", cancellationToken: cancellationToken))
            .Select(r => r.GetString("name")!)
            .ToList();
        var checksums = new List<TableChecksum>();
        foreach (var table in tables)
        {
            await using var command = session.Connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {SqliteSql.Identifier(table)}";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            ulong sum = 0;
            long rows = 0;
            var text = new StringBuilder();
            while (await reader.ReadAsync(cancellationToken))
            {
                text.Clear();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(i == 0 ? "" : "\t").Append(Text(reader.IsDBNull(i) ? null : reader.GetValue(i)));
                }

                sum += BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
                rows++;
            }

            checksums.Add(new TableChecksum(table, rows, sum.ToString("x16", CultureInfo.InvariantCulture)));
        }

        return checksums;
    }

    private static string Text(object? value) => value switch
    {
        null => "\\N",
        byte[] bytes => "\\x" + Convert.ToHexStringLower(bytes),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
