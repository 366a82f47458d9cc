using System.Diagnostics;
using Orchestrator.Data;
using Orchestrator.Environments;

namespace Orchestrator.Benchmarks;

/// <summary>
/// Several clients inserting rows as fast as they can into whichever node accepts writes,
/// reconnecting when refused. Records when each commit was acknowledged, so the longest
/// stretch without any acknowledged commit (what clients felt) can be read off afterwards.
/// </summary>
internal sealed class WriteLoad : IAsyncDisposable
{
    private readonly BenchPrimary _bench;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<TimeSpan> _acknowledged = [];
    private readonly Task[] _clients;
    private long _next;

    private WriteLoad(BenchPrimary bench, int clients, long lastId)
    {
        _bench = bench;
        _next = lastId;
        _clients = Enumerable.Range(0, clients).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    public static async Task<WriteLoad> StartAsync(BenchPrimary bench, int clients)
    {
        long lastId;
        await using (var session = await ConnectToWritableAsync(bench) ?? throw new InvalidOperationException("no node accepts writes"))
        {
            await session.ExecuteAsync("CREATE TABLE IF NOT EXISTS bench_writes (id bigint PRIMARY KEY, payload varchar(100))");
            lastId = (await session.QueryAsync("SELECT coalesce(max(id), 0) AS last FROM bench_writes")).Single().GetInt64("last") ?? 0;
        }

        var load = new WriteLoad(bench, clients, lastId);
        await Task.Delay(500);
        return load;
    }

    public TimeSpan Now => _clock.Elapsed;

    public int Count
    {
        get
        {
            lock (_acknowledged)
            {
                return _acknowledged.Count;
            }
        }
    }

    /// <summary>The longest time between two acknowledged commits within [from, to].</summary>
    public TimeSpan LongestGap(TimeSpan from, TimeSpan to)
    {
        List<TimeSpan> times;
        lock (_acknowledged)
        {
            times = _acknowledged.Where(t => t >= from && t <= to).Order().ToList();
        }

        times.Insert(0, from);
        times.Add(to);
        return times.Zip(times.Skip(1), (a, b) => b - a).Max();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var insert = _bench.Environment.Engine == EngineKind.Postgres
            ? "INSERT INTO bench_writes (id, payload) VALUES ($1, $2)"
            : "INSERT INTO bench_writes (id, payload) VALUES (?, ?)";
        IDbSession? session = null;
        while (!_stop.IsCancellationRequested)
        {
            session ??= await ConnectToWritableAsync(_bench);
            if (session is null)
            {
                await Task.Delay(2);
                continue;
            }

            try
            {
                await session.ExecuteAsync(insert, [Interlocked.Increment(ref _next), "benchmark row written during a switchover"]);
                lock (_acknowledged)
                {
                    _acknowledged.Add(_clock.Elapsed);
                }
            }
            catch (DatabaseException)
            {
                await session.DisposeAsync();
                session = null;
            }
        }

        if (session is not null)
        {
            await session.DisposeAsync();
        }
    }

    private static async Task<IDbSession?> ConnectToWritableAsync(BenchPrimary bench)
    {
        var check = bench.Environment.Engine == EngineKind.Postgres
            ? "SELECT CASE WHEN pg_is_in_recovery() THEN 0 ELSE 1 END AS writable"
            : "SELECT CASE WHEN @@read_only = 0 THEN 1 ELSE 0 END AS writable";
        foreach (var node in bench.Environment.Nodes)
        {
            try
            {
                var session = await bench.Engine.ConnectAsync(bench.Engine.AdminTarget(node, bench.Credentials, "app"), CancellationToken.None);
                if ((await session.QueryAsync(check)).Single().GetInt64("writable") == 1)
                {
                    return session;
                }

                await session.DisposeAsync();
            }
            catch (DatabaseException)
            {
                // Down or refusing: the next node.
            }
        }

        return null;
    }
}
