using System.Runtime.InteropServices;

namespace Orchestrator.Hosts.Local;

/// <summary>The few POSIX calls .NET does not expose.</summary>
internal static partial class Libc
{
    public const int SigInt = 2;
    public const int SigTerm = 15;
    public const int SigKill = 9;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    public static partial int GetProcessGroup(int pid);

    public static bool IsRoot => GetEffectiveUserId() == 0;

    /// <summary>True when a live process has this id; a zombie (exited, not yet reaped) counts as gone once all its threads have exited.</summary>
    public static bool ProcessExists(int pid)
    {
        if (pid <= 0 || (Kill(pid, 0) != 0 && Marshal.GetLastPInvokeError() != 1))
        {
            return false;
        }

        try
        {
            // /proc/PID/stat is "pid (comm) state ...": the state follows the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            if (stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z')
            {
                return true;
            }

            // A zombie leader of a multi-threaded process (mariadbd) is not gone yet while its other
            // threads still exit: until the last one has, its files stay open, its listening
            // sockets among them, and a server started next on its port would find the port taken.
            return Directory.EnumerateDirectories($"/proc/{pid}/task").Skip(1).Any();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
