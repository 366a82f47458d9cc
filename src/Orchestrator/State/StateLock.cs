using System.Globalization;

namespace Orchestrator.State;

/// <summary>
/// One command at a time changes a state directory (up, down, restore, the role changes): two at
/// once would both run initdb into one data directory, or write the live shape over each
/// other. The lock is the operating system's (flock, through an exclusively opened file beside
/// the state directory, so that a purge can delete the directory while holding it); it goes
/// with its process, however that ends. A second command waits for the first, saying who it is.
/// </summary>
internal sealed class StateLock : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly FileStream _lock;
    private readonly string _holderFile;
    private readonly string _root;

    private StateLock(FileStream held, string holderFile, string root)
    {
        _lock = held;
        _holderFile = holderFile;
        _root = root;
    }

    /// <summary>The default wait for another command to finish before refusing.</summary>
    public static TimeSpan DefaultWait { get; } = TimeSpan.FromMinutes(10);

    /// <param name="command">What this process does, for whoever waits ("up", "switchover").</param>
    /// <param name="waiting">Told once, with the holder's description, when this command has to wait.</param>
    /// <exception cref="LocalProviderException">Another command held it for longer than <paramref name="wait"/>.</exception>
    public static async Task<StateLock> AcquireAsync(StateLayout state, string command, Action<string> waiting, TimeSpan wait, CancellationToken cancellationToken)
    {
        var parent = Path.GetDirectoryName(state.Root)!;
        Directory.CreateDirectory(parent);
        var name = Path.GetFileName(state.Root);
        var lockFile = Path.Combine(parent, $".{name}.lock");
        var holderFile = Path.Combine(parent, $".{name}.holder");
        var deadline = DateTime.UtcNow + wait;
        string? announced = null;
        while (true)
        {
            try
            {
                var held = new FileStream(lockFile, new FileStreamOptions
                {
                    Mode = FileMode.OpenOrCreate,
                    Access = FileAccess.ReadWrite,
                    Share = FileShare.None,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
                await File.WriteAllTextAsync(holderFile, string.Create(CultureInfo.InvariantCulture, $"'{command}' (pid {System.Environment.ProcessId}, since {DateTime.UtcNow:HH:mm:ss} UTC)"), cancellationToken);
                return new StateLock(held, holderFile, state.Root);
            }
            catch (IOException) when (File.Exists(lockFile))
            {
                var holder = Holder(holderFile);
                if (DateTime.UtcNow > deadline)
                {
                    throw new LocalProviderException(
                        $"another command, {holder}, has been changing the state directory {state.Root} for more than {(wait < TimeSpan.FromMinutes(1) ? $"{wait.TotalSeconds:0} seconds" : $"{wait.TotalMinutes:0} minutes")}; nothing was done. Wait for it to finish, or stop it, and run this again");
                }

                if (announced != holder)
                {
                    waiting($"waiting for {holder} to finish with the state directory {state.Root}");
                    announced = holder;
                }

                await Task.Delay(PollInterval, cancellationToken);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_holderFile);

            // A purge took the state directory: its lock goes too, while still held, so that
            // nothing of the environment is left beside it. A command waiting meanwhile opens
            // the name again and locks a new file, with nobody left working on the old one.
            if (!Directory.Exists(_root))
            {
                File.Delete(_lock.Name);
            }
        }
        catch (IOException)
        {
            // A stale description is replaced by the next holder.
        }

        _lock.Dispose();
    }

    private static string Holder(string holderFile)
    {
        try
        {
            return File.Exists(holderFile) ? File.ReadAllText(holderFile).Trim() : "another command";
        }
        catch (IOException)
        {
            return "another command";
        }
    }
}
