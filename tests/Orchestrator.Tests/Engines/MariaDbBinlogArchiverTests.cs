using System.Security.Cryptography;
using Orchestrator.Engines.MariaDb;
using Orchestrator.Processes;

namespace Orchestrator.Tests.Engines;

/// <summary>The archiver program, run once over a node directory written here: what it copies, where, and that it agrees with the tool on a log's generation and on which logs are closed.</summary>
public sealed class MariaDbBinlogArchiverTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("orch-binlog-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task One_pass_copies_each_closed_log_with_its_checksum_into_the_generation_the_tool_computes_and_leaves_the_open_one()
    {
        var data = Directory.CreateDirectory(Path.Combine(_root, "node", "data")).FullName;
        await File.WriteAllLinesAsync(Path.Combine(data, "binlog.index"), ["./binlog.000001", "./binlog.000002", "./binlog.000003"]);
        var first = await WriteLogAsync(data, "binlog.000001", inUse: true);
        await WriteLogAsync(data, "binlog.000002", inUse: false);
        await WriteLogAsync(data, "binlog.000003", inUse: true);
        var generation = MariaDbBinlogArchiver.Generation(first)!;
        var program = Path.Combine(_root, MariaDbBinlogArchiver.ProgramFileName);
        await File.WriteAllTextAsync(program, MariaDbBinlogArchiver.Program.ReplaceLineEndings("\n") + "\n");
        var archive = Path.Combine(_root, "archive");

        await ProcessRunner.RunCheckedAsync(new ProcessSpec("/bin/bash", [program, archive, _root, "60", "/bin/false", "root", "1", "node", data, Path.Combine(_root, "none.sock")]), CancellationToken.None);

        var folder = Path.Combine(archive, "binlog", "node", generation);
        Assert.Equal(["binlog.000001", "binlog.000001.sha256", "binlog.000002", "binlog.000002.sha256"], Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var copied = await File.ReadAllBytesAsync(Path.Combine(folder, "binlog.000002"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(copied)), (await File.ReadAllTextAsync(Path.Combine(folder, "binlog.000002.sha256"))).Trim());
        Assert.True(MariaDbBinlogArchiver.IsClosed(Path.Combine(data, "binlog.000001"), last: false));
        Assert.False(MariaDbBinlogArchiver.IsClosed(Path.Combine(data, "binlog.000003"), last: true));

        // The first log closing (its in-use flag cleared) or growing keeps its generation; one whose opening events are not all written has none yet.
        var bytes = await File.ReadAllBytesAsync(first);
        bytes[21] = 0;
        await File.WriteAllBytesAsync(first, [.. bytes, .. RandomNumberGenerator.GetBytes(100)]);
        Assert.Equal(generation, MariaDbBinlogArchiver.Generation(first));
        await File.WriteAllBytesAsync(first, bytes[..290]);
        Assert.Null(MariaDbBinlogArchiver.Generation(first));
    }

    /// <summary>A log of random bytes with the shape the generation reads: a 256-byte format description (its flags as given), then a 40-byte GTID list.</summary>
    private static async Task<string> WriteLogAsync(string data, string name, bool inUse)
    {
        var bytes = RandomNumberGenerator.GetBytes(700);
        BitConverter.GetBytes(256u).CopyTo(bytes, 4 + 9);
        BitConverter.GetBytes(40u).CopyTo(bytes, 4 + 256 + 9);
        bytes[21] = (byte)(inUse ? 1 : 0);
        var path = Path.Combine(data, name);
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }
}
