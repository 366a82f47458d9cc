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

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);

    public static bool IsRoot => GetEffectiveUserId() == 0;

    public static void ChangeOwner(string path, int uid, int gid)
    {
        if (Chown(path, (uint)uid, (uint)gid) != 0)
        {
            throw new IOException($"cannot give {path} to uid {uid}, gid {gid} (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    /// <summary>The numeric owner and group of a file, from statx, whose layout is the same on every architecture.</summary>
    public static (int Uid, int Gid) OwnerOf(string path)
    {
        const int CurrentDirectory = -100;
        const uint UidAndGid = 0x8 | 0x10;
        var buffer = new byte[256];
        if (Statx(CurrentDirectory, path, 0, UidAndGid, buffer) != 0)
        {
            throw new IOException($"cannot read the owner of {path} (errno {Marshal.GetLastPInvokeError()})");
        }

        return ((int)BitConverter.ToUInt32(buffer, 20), (int)BitConverter.ToUInt32(buffer, 24));
    }

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
