namespace Orchestrator.Local;

/// <summary>Reads /proc to find the live server processes working in a directory.</summary>
public static class ProcessTable
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
}
