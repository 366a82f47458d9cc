namespace Orchestrator.Environments;

/// <summary>
/// Continuous archiving (the file's <c>backup.archive</c>): the folder the servers copy every
/// completed WAL segment into, with its checksum, and how long a segment may stay open before it
/// is switched and archived anyway, which bounds what a lost primary takes with it.
/// </summary>
internal sealed record ArchiveSettings(string Directory, TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    /// <summary>Where the WAL segments, history files and their checksums are.</summary>
    public string WalDirectory => Path.Combine(Directory, "wal");
}
