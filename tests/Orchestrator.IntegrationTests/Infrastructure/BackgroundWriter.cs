using System.Diagnostics;
using Orchestrator.Data;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// One client of <see cref="AcknowledgedWriter"/> on a test's topology: it writes to whichever
/// node accepts writes and remembers every acknowledged commit, which is what must not be lost.
/// </summary>
internal sealed class BackgroundWriter : IAsyncDisposable
{
    public const string Table = "writes";

    private readonly AcknowledgedWriter _writer;

    private BackgroundWriter(ITestNodes topology, string table)
    {
        var target = new WriterTarget(topology.Engine, topology.Environment.Nodes.Select(n => n.Name).ToList(), (node, _) => topology.ConnectAsync(node), table);
        _writer = new AcknowledgedWriter(target, clients: 1, Timeout.InfiniteTimeSpan, Stopwatch.StartNew());
    }

    /// <param name="table">A table of its own, for a test that shares its topology with another writing test.</param>
    public static async Task<BackgroundWriter> StartAsync(ITestNodes topology, string table = Table)
    {
        await using (var session = await topology.ConnectAsync("primary"))
        {
            await session.ExecuteAsync($"CREATE TABLE {table} (id bigint PRIMARY KEY)");
        }

        return new BackgroundWriter(topology, table);
    }

    public IReadOnlyList<long> Acknowledged => _writer.Acknowledged.Select(a => a.Id).ToList();

    /// <summary>The node the last acknowledged write went to.</summary>
    public string? WritingTo => _writer.WritingTo;

    /// <summary>Waits until <paramref name="more"/> further commits were acknowledged (by <paramref name="node"/>, when given).</summary>
    public Task WaitForMoreAsync(int more, string? node = null)
    {
        var target = _writer.Count + more;
        return TestTopology.EventuallyAsync(() => Task.FromResult(_writer.Count >= target && (node is null || WritingTo == node)), $"{more} more acknowledged writes{(node is null ? "" : $" on {node}")}");
    }

    public async Task<IReadOnlyList<long>> StopAsync()
    {
        await _writer.StopAsync();
        return Acknowledged;
    }

    /// <summary>Acknowledged ids that <paramref name="node"/> does not have.</summary>
    public Task<IReadOnlyList<long>> MissingOnAsync(string node) => _writer.MissingOnAsync(node);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
