namespace Orchestrator.Hosts.Local;

/// <summary>Reads /proc to find the live server processes working in a directory.</summary>
internal static class ProcessTable
{
    /// <summary>The database server programs this tool runs; nothing else is ever reported (or stopped).</summary>
    private static readonly string[] ServerPrograms = ["postgres", "mariadbd"];

    /// <summary>
    /// Live database server processes whose working directory is <paramref name="directory"/> or
    /// below it. Every PostgreSQL process works in its data directory, as does mariadbd; a shell
    /// or editor open in the same place is not a server and is never listed.
    /// </summary>
    public static IReadOnlyList<int> WorkingIn(string directory)
    {
        var root = Path.GetFullPath(directory).TrimEnd('/');
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid))
            {
                continue;
            }

            try
            {
                var cwd = new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget;
                var program = Path.GetFileName(new FileInfo(Path.Combine(entry, "exe")).LinkTarget ?? "");
                if (cwd is not null && (cwd == root || cwd.StartsWith(root + "/", StringComparison.Ordinal))
                    && ServerPrograms.Contains(program) && Libc.ProcessExists(pid))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process exited while we looked, or belongs to someone we cannot inspect.
            }
        }

        return found;
    }

    /// <summary>
    /// The process that listens on TCP <paramref name="port"/> (any address), as "pid N (command
    /// line)", or null when /proc does not tell: so that a refusal to start a node on a taken port
    /// names what took it.
    /// </summary>
    public static string? ListenerOn(int port)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            try
            {
                foreach (var line in File.ReadLines(table).Skip(1))
                {
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    const string Listen = "0A";
                    if (fields.Length > 9 && fields[3] == Listen
                        && int.TryParse(fields[1].AsSpan(fields[1].IndexOf(':') + 1), System.Globalization.NumberStyles.HexNumber, null, out var local) && local == port)
                    {
                        inodes.Add($"socket:[{fields[9]}]");
                    }
                }
            }
            catch (IOException)
            {
                // No such table (IPv6 disabled): nothing listens there.
            }
        }

        return inodes.Count == 0 ? null : FindSocketOwner(inodes);
    }

    private static string? FindSocketOwner(HashSet<string> sockets)
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid))
            {
                continue;
            }

            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(entry, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && sockets.Contains(target))
                    {
                        var command = File.ReadAllText(Path.Combine(entry, "cmdline")).Replace('\0', ' ').Trim();
                        return $"pid {pid} ({command})";
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process exited while we looked, or belongs to someone we cannot inspect.
            }
        }

        return null;
    }
}
