namespace Orchestrator.Local;

/// <summary>Reads /proc to find the live server processes working in a directory.</summary>
public static class ProcessTable
{
    /// <summary>
    /// Live processes whose working directory is <paramref name="directory"/> or below it.
    /// Every PostgreSQL process, the postmaster and all its children, works in its data directory.
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
                if (cwd is not null && (cwd == root || cwd.StartsWith(root + "/", StringComparison.Ordinal)) && Libc.ProcessExists(pid))
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
