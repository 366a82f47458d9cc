using System.Security.Cryptography;
using Orchestrator.Engines.Postgres;
using Orchestrator.Processes;

namespace Orchestrator.Tests.Engines;

public sealed class PostgresWalArchiveTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("orch-wal-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Segment_names_split_the_segment_number_at_4_gib_of_log_and_positions_round_trip()
    {
        const long Sixteen = 16 * 1024 * 1024;
        Assert.Equal("000000010000000000000003", PostgresWalArchive.SegmentName(1, 3, Sixteen));
        Assert.Equal("0000000200000001000000FF", PostgresWalArchive.SegmentName(2, 511, Sixteen));
        Assert.Equal(0x1_0300_0148UL, PostgresWalArchive.ParseLsn("1/3000148"));
        Assert.Equal("1/3000148", PostgresWalArchive.FormatLsn(0x1_0300_0148UL));
    }

    [Fact]
    public void Pruning_takes_every_file_of_a_segment_before_the_oldest_needed_on_any_timeline_and_keeps_history_files()
    {
        string[] archive =
        [
            "000000010000000000000002", "000000010000000000000002.sha256",
            "000000010000000000000002.00000028.backup", "000000010000000000000002.00000028.backup.sha256",
            "000000010000000000000003", "000000010000000000000003.sha256",
            "000000020000000000000003.partial", "000000020000000000000003.partial.sha256",
            "00000002.history", "00000002.history.sha256",
            "000000020000000000000004", "000000020000000000000004.sha256",
            "000000020000000000000005", "000000020000000000000005.sha256",
            "000000010000000100000000", "archive-notes.txt",
        ];

        var prunable = PostgresWalArchive.PrunableFiles(archive, "000000020000000000000004");

        Assert.Equal(
            [
                "000000010000000000000002", "000000010000000000000002.00000028.backup", "000000010000000000000002.00000028.backup.sha256", "000000010000000000000002.sha256",
                "000000010000000000000003", "000000010000000000000003.sha256",
                "000000020000000000000003.partial", "000000020000000000000003.partial.sha256",
            ],
            prunable);
        Assert.Empty(PostgresWalArchive.PrunableFiles(archive, "000000010000000000000002"));
        Assert.Throws<ArgumentException>(() => PostgresWalArchive.PrunableFiles(archive, "00000002.history"));
    }

    [Fact]
    public void Commits_are_read_from_pg_waldump_output_with_their_time_in_utc()
    {
        var output = """
            rmgr: Transaction len (rec/tot):     34/    34, tx:        757, lsn: 0/05000F48, prev 0/05000F08, desc: COMMIT 2026-12-06 02:00:24.253201 UTC
            rmgr: Heap        len (rec/tot):     59/    59, tx:        758, lsn: 0/06000060, prev 0/06000028, desc: INSERT off 3 flags 0x00
            rmgr: Transaction len (rec/tot):     34/    34, tx:        758, lsn: 0/060000A8, prev 0/06000060, desc: COMMIT 2026-12-06 02:00:27 UTC
            """;

        var commits = PostgresWalArchive.ParseCommits(output);

        Assert.Equal(["757", "758"], commits.Select(c => c.TransactionId));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 2, 0, 24, 253, TimeSpan.Zero).AddTicks(2010), commits[0].CommittedAt);
        Assert.Equal("0/060000A8", commits[1].Position);
    }

    [Fact]
    public void The_timelines_to_the_newest_come_from_its_history_file_and_start_at_the_backups()
    {
        File.WriteAllText(Path.Combine(_root, "00000003.history"), "1\t0/5000000\tno recovery target specified\n\n2\t0/7000148\tno recovery target specified\n");
        File.WriteAllText(Path.Combine(_root, "000000030000000000000007"), "");

        Assert.Equal(
            [new TimelineSpan(1, 0, 0x5000000), new TimelineSpan(2, 0x5000000, 0x7000148), new TimelineSpan(3, 0x7000148, null)],
            PostgresWalArchive.TimelinesFrom(_root, 1));
        Assert.Equal([new TimelineSpan(2, 0x5000000, 0x7000148), new TimelineSpan(3, 0x7000148, null)], PostgresWalArchive.TimelinesFrom(_root, 2));
    }

    [Fact]
    public async Task The_archive_command_keeps_one_whole_private_copy_with_its_checksum_and_accepts_only_an_identical_second()
    {
        var wal = Path.Combine(_root, "archive", "wal");
        var segment = Path.Combine(_root, "000000010000000000000004");
        await File.WriteAllBytesAsync(segment, RandomNumberGenerator.GetBytes(4096));

        Assert.Equal(0, await ArchiveAsync(wal, segment));
        Assert.Equal(0, await ArchiveAsync(wal, segment));

        var archived = Path.Combine(wal, "000000010000000000000004");
        Assert.Equal(await File.ReadAllBytesAsync(segment), await File.ReadAllBytesAsync(archived));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(archived));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(segment))), (await File.ReadAllTextAsync(archived + ".sha256")).Trim());
        Assert.Equal(["000000010000000000000004", "000000010000000000000004.sha256"], Directory.EnumerateFiles(wal).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Another node's different copy of the same segment is refused, and the first one kept.
        await File.WriteAllBytesAsync(segment, RandomNumberGenerator.GetBytes(4096));
        Assert.NotEqual(0, await ArchiveAsync(wal, segment));
        Assert.NotEqual(await File.ReadAllBytesAsync(segment), await File.ReadAllBytesAsync(archived));
    }

    /// <summary>Runs the archive command as the server would, with %p and %f filled in.</summary>
    private async Task<int> ArchiveAsync(string wal, string segment)
    {
        var command = PostgresConfigFiles.ArchiveCommand(wal).Replace("%p", segment, StringComparison.Ordinal).Replace("%f", Path.GetFileName(segment), StringComparison.Ordinal);
        var result = await ProcessRunner.RunAsync(new ProcessSpec("sh", ["-c", command]) { WorkingDirectory = _root }, CancellationToken.None);
        return result.ExitCode;
    }
}
