using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Backups;

/// <summary>
/// manifest.json, written beside a backup's files: where and when it was taken, what the
/// database held at that moment (schema version, per-table row counts and content checksums
/// computed in the snapshot the backup saw), and a SHA-256 of every file.
/// </summary>
internal sealed record BackupManifest
{
    public const string FileName = "manifest.json";

    /// <summary>The manifest's SHA-256 in sha256sum's format, so that <c>sha256sum -c</c> checks it too.</summary>
    public const string DigestFileName = "manifest.json.sha256";
    public const string CurrentFormat = "orchestrator-backup/1";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string Format { get; init; } = CurrentFormat;

    public required string Environment { get; init; }

    public required string Node { get; init; }

    /// <summary>"postgres" or "mariadb", as in environment files.</summary>
    public required string Engine { get; init; }

    public required string ServerVersion { get; init; }

    public required BackupKind Kind { get; init; }

    /// <summary>How the files are laid out (for example "pg_dump directory format"), for people reading the manifest.</summary>
    public required string Layout { get; init; }

    public required string Database { get; init; }

    /// <summary>The newest applied migration version in the backup, or null when it holds no version table.</summary>
    public long? SchemaVersion { get; init; }

    public required DateTimeOffset TakenAt { get; init; }

    public double DurationSeconds { get; init; }

    /// <summary>The replication position the backup is consistent with (a WAL LSN, a GTID list).</summary>
    public required string Position { get; init; }

    /// <summary>The account that owns the objects in a physical backup; a restore gives it the target environment's password.</summary>
    public string? AdminUser { get; init; }

    public required IReadOnlyDictionary<string, string> Tools { get; init; }

    /// <summary>
    /// The engine's own verification of the copy (pg_verifybackup) passed when the backup was
    /// taken, before the files' SHA-256s were recorded: files that still match them are the files
    /// it accepted, and a restore re-checks only what their contents cannot show.
    /// </summary>
    public bool EngineVerified { get; init; }

    public required IReadOnlyList<TableChecksum> Tables { get; init; }

    public required IReadOnlyList<BackupFileEntry> Files { get; init; }

    public long TotalBytes => Files.Sum(f => f.Bytes);

    /// <summary>Writes the manifest, then its digest (both readable by their owner only).</summary>
    public async Task WriteAsync(string directory, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(this, Options);
        await BackupFiles.WritePrivateAsync(Path.Combine(directory, FileName), bytes, cancellationToken);
        await BackupFiles.WritePrivateAsync(Path.Combine(directory, DigestFileName), System.Text.Encoding.ASCII.GetBytes($"{Digest(bytes)}  {FileName}\n"), cancellationToken);
    }

    public static async Task<BackupManifest> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            throw new BackupRefusedException($"backup directory {directory} does not exist");
        }

        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new BackupInvalidException($"{directory} has no {FileName}: it is not a complete orchestrator backup (the manifest is written last, so the backup may have been interrupted)");
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        CheckDigest(directory, bytes);
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(bytes, Options);
        }
        catch (JsonException e)
        {
            throw new BackupInvalidException($"{path} is damaged: {e.Message}");
        }

        if (manifest is null || manifest.Format != CurrentFormat)
        {
            throw new BackupInvalidException($"{path} is not an {CurrentFormat} manifest (format '{manifest?.Format}')");
        }

        return manifest;
    }

    /// <summary>
    /// The manifest is what every later check trusts (row counts, checksums, file digests), so it
    /// is checked against its own digest before anything is read from it.
    /// </summary>
    private static void CheckDigest(string directory, byte[] manifest)
    {
        var path = Path.Combine(directory, DigestFileName);
        if (!File.Exists(path))
        {
            throw new BackupInvalidException(
                $"{directory} has no {DigestFileName}, so its manifest cannot be trusted; nothing was restored. " +
                $"If you know the manifest is intact (a backup taken before manifests had digests), write one: cd {directory} && sha256sum {FileName} > {DigestFileName}");
        }

        var recorded = File.ReadAllText(path).Split(' ', 2)[0].Trim();
        if (!string.Equals(recorded, Digest(manifest), StringComparison.OrdinalIgnoreCase))
        {
            throw new BackupInvalidException(
                $"{Path.Combine(directory, FileName)} does not match its digest in {DigestFileName}: the manifest was edited or damaged after the backup was taken; nothing was restored");
        }
    }

    private static string Digest(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}
