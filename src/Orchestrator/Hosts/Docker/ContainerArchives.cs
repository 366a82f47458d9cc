using System.Formats.Tar;

namespace Orchestrator.Hosts.Docker;

/// <summary>
/// Directories to and from the archive API's tar streams, entry by entry, so that a data
/// directory of any size streams through without being held in memory.
/// </summary>
internal static class ContainerArchives
{
    /// <summary>Writes <paramref name="source"/> (a directory of this machine) as the tar entry <paramref name="root"/> and everything below it, owned by <paramref name="uid"/>:<paramref name="gid"/>.</summary>
    public static async Task WriteDirectoryAsync(string source, string root, int uid, int gid, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await WriteEntryAsync(writer, new DirectoryInfo(source), root, uid, gid, cancellationToken);
        foreach (var item in new DirectoryInfo(source).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            await WriteEntryAsync(writer, item, $"{root}/{Path.GetRelativePath(source, item.FullName).Replace('\\', '/')}", uid, gid, cancellationToken);
        }
    }

    /// <summary>
    /// Extracts a tar stream of one directory (the archive API's answer for a path) into
    /// <paramref name="target"/>, which takes the place of the archive's top directory.
    /// </summary>
    public static async Task ExtractDirectoryAsync(Stream tar, string target, CancellationToken cancellationToken)
    {
        await using var reader = new TarReader(new EndTolerantStream(tar), leaveOpen: true);
        while (await NextAsync(reader, cancellationToken) is { } entry)
        {
            var slash = entry.Name.TrimEnd('/').IndexOf('/', StringComparison.Ordinal);
            var relative = slash < 0 ? "" : entry.Name.TrimEnd('/')[(slash + 1)..];
            var path = relative.Length == 0 ? target : Path.Combine(target, relative);
            if (!Path.GetFullPath(path).StartsWith(Path.GetFullPath(target), StringComparison.Ordinal))
            {
                throw new InvalidDataException($"the archive names '{entry.Name}', outside the copied directory");
            }

            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(path);
                    File.SetUnixFileMode(path, entry.Mode);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    await entry.ExtractToFileAsync(path, overwrite: false, cancellationToken);
                    if (new FileInfo(path).Length != entry.Length)
                    {
                        throw new InvalidDataException($"the archive ended inside '{entry.Name}' ({new FileInfo(path).Length} of {entry.Length} bytes)");
                    }

                    break;
                case TarEntryType.SymbolicLink:
                    File.CreateSymbolicLink(path, entry.LinkName);
                    break;
                default:
                    // Sockets, fifos and devices have no place in a data directory's copy.
                    break;
            }
        }
    }

    private static async Task WriteEntryAsync(TarWriter writer, FileSystemInfo item, string name, int uid, int gid, CancellationToken cancellationToken)
    {
        PaxTarEntry entry;
        if (item.LinkTarget is { } link)
        {
            entry = new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = link };
        }
        else if (item is DirectoryInfo)
        {
            entry = new PaxTarEntry(TarEntryType.Directory, name + "/");
        }
        else
        {
            entry = new PaxTarEntry(TarEntryType.RegularFile, name);
        }

        entry.Uid = uid;
        entry.Gid = gid;
        entry.Mode = item.UnixFileMode;
        entry.ModificationTime = item.LastWriteTimeUtc;
        if (entry.EntryType == TarEntryType.RegularFile)
        {
            await using var data = new FileStream(item.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
            entry.DataStream = data;
            await writer.WriteEntryAsync(entry, cancellationToken);
            return;
        }

        await writer.WriteEntryAsync(entry, cancellationToken);
    }

    /// <summary>
    /// The engine's chunked answer: its client reports the end of the body as an error rather
    /// than as a read of nothing. Here it is the end; a file cut short by it is caught by its size.
    /// </summary>
    private sealed class EndTolerantStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return inner.Read(buffer, offset, count);
            }
            catch (EndOfStreamException)
            {
                return 0;
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (EndOfStreamException)
            {
                return 0;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>The next entry; null at the end, also where the engine's stream stops before the tar's closing blocks.</summary>
    private static async Task<TarEntry?> NextAsync(TarReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.GetNextEntryAsync(copyData: false, cancellationToken);
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }
}
