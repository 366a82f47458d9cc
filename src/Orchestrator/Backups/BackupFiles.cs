using System.Security.Cryptography;

namespace Orchestrator.Backups;

/// <summary>Checksums of a backup's files: computed when it is taken, checked before anything is restored from it.</summary>
internal static class BackupFiles
{
    public static async Task<IReadOnlyList<BackupFileEntry>> DescribeAsync(string directory, CancellationToken cancellationToken)
    {
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f))
            .Where(f => !IsManifest(f))
            .Order(StringComparer.Ordinal)
            .ToList();
        var entries = new BackupFileEntry[files.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, files.Count),
            OnAllCores(cancellationToken),
            async (i, token) =>
            {
                var path = Path.Combine(directory, files[i]);
                entries[i] = new BackupFileEntry(files[i], new FileInfo(path).Length, await Sha256Async(path, token));
            });
        return entries;
    }

    /// <summary>
    /// Every problem with the files against the manifest: missing, resized (truncated), changed
    /// or unexpected. Sizes are checked first, so a truncated backup fails without reading it all.
    /// </summary>
    public static async Task<IReadOnlyList<string>> VerifyAsync(string directory, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var listed = manifest.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            var path = Path.Combine(directory, file.Path);
            if (!File.Exists(path))
            {
                problems.Add($"{file.Path}: missing");
            }
            else if (new FileInfo(path).Length is var size && size != file.Bytes)
            {
                problems.Add($"{file.Path}: {size} bytes, the manifest says {file.Bytes} ({(size < file.Bytes ? "truncated" : "grown")})");
            }
        }

        foreach (var extra in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f))
            .Where(f => !IsManifest(f) && !listed.Contains(f)))
        {
            problems.Add($"{extra}: not in the manifest");
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(
            manifest.Files,
            OnAllCores(cancellationToken),
            async (file, token) =>
            {
                if (await Sha256Async(Path.Combine(directory, file.Path), token) != file.Sha256)
                {
                    mismatches.Add($"{file.Path}: content differs from the manifest's SHA-256 (the file was changed or damaged)");
                }
            });
        return mismatches.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Makes every folder of a backup 0700 and every file 0600: a backup holds the database's
    /// data, whatever mode the program that wrote it chose.
    /// </summary>
    public static void Restrict(string directory)
    {
        File.SetUnixFileMode(directory, PrivateFolder);
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            if (entry.LinkTarget is null)
            {
                entry.UnixFileMode = entry is DirectoryInfo ? PrivateFolder : PrivateFile;
            }
        }
    }

    /// <summary>Creates <paramref name="path"/> readable by its owner only, from the first byte on.</summary>
    public static async Task WritePrivateAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = PrivateFile });
        await stream.WriteAsync(content, cancellationToken);
    }

    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static bool IsManifest(string relativePath) => relativePath is BackupManifest.FileName or BackupManifest.DigestFileName;

    /// <summary>Parallel work on files that is hashing more than reading: every core, two at least.</summary>
    public static ParallelOptions OnAllCores(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Math.Max(2, System.Environment.ProcessorCount), CancellationToken = cancellationToken };

    /// <summary>The file's SHA-256 in lower-case hex, read sequentially in large blocks.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
