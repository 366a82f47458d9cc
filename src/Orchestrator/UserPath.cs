namespace Orchestrator;

/// <summary>
/// A path as the user can type it where they are, for messages and hints: relative to the current
/// directory when the path is under it, else the full path (never a bare file name, which only
/// works from the file's own directory).
/// </summary>
internal static class UserPath
{
    public static string Of(string path) => Of(path, Directory.GetCurrentDirectory());

    internal static string Of(string path, string currentDirectory)
    {
        var full = Path.GetFullPath(path, currentDirectory);
        var relative = Path.GetRelativePath(currentDirectory, full);
        var outside = relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative);
        return outside ? full : relative;
    }
}
