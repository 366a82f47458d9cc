using System.Diagnostics;
using Orchestrator.Data;
using Orchestrator.Environments;

namespace Orchestrator.Benchmarks;

/// <summary>What a write load inserts into: a database, and a table (created when missing) whose ids it continues.</summary>
/// <param name="Insert">The insert, whose two parameters are the id and a short text.</param>
internal sealed record WriteTarget(string Database, string Table, string? Create, string Insert)
{
    public static WriteTarget BenchWrites(EngineKind engine) => new(
        "app",
        "bench_writes",
        "CREATE TABLE IF NOT EXISTS bench_writes (id bigint PRIMARY KEY, payload varchar(100))",
        engine == EngineKind.Postgres ? "INSERT INTO bench_writes (id, payload) VALUES ($1, $2)" : "INSERT INTO bench_writes (id, payload) VALUES (?, ?)");
}

/// <summary>
/// Several clients inserting rows as fast as they can into whichever node accepts writes,
/// reconnecting when refused. Records when each commit was acknowledged and how long it took, so
/// the longest stretch without any acknowledged commit (what clients felt) and the latencies can
/// be read off afterwards.
/// </summary>
internal sealed class WriteLoad : IAsyncDisposable
{
    private readonly BenchPrimary _bench;
    private readonly WriteTarget _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(TimeSpan At, TimeSpan Took)> _acknowledged = [];
    private readonly Task[] _clients;
    private long _next;

    private WriteLoad(BenchPrimary bench, WriteTarget target, int clients, long lastId)
    {
        _bench = bench;
        _target = target;
        _next = lastId;
        _clients = Enumerable.Range(0, clients).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    public static Task<WriteLoad> StartAsync(BenchPrimary bench, int clients) => StartAsync(bench, clients, WriteTarget.BenchWrites(bench.Environment.Engine));

    public static async Task<WriteLoad> StartAsync(BenchPrimary bench, int clients, WriteTarget target)
    {
        long lastId;
        await using (var session = await ConnectToWritableAsync(bench, target.Database) ?? throw new InvalidOperationException("no node accepts writes"))
        {
            if (target.Create is { } create)
            {
                await session.ExecuteAsync(create);
            }

            lastId = (await session.QueryAsync($"SELECT coalesce(max(id), 0) AS last FROM {target.Table}")).Single().GetInt64("last") ?? 0;
        }

        var load = new WriteLoad(bench, target, clients, lastId);
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
            times = _acknowledged.Select(a => a.At).Where(t => t >= from && t <= to).Order().ToList();
        }

        times.Insert(0, from);
        times.Add(to);
        return times.Zip(times.Skip(1), (a, b) => b - a).Max();
    }

    /// <summary>The given percentile (0 to 1) of the time a commit acknowledged within [from, to] took.</summary>
    public TimeSpan Latency(double percentile, TimeSpan from, TimeSpan to)
    {
        List<TimeSpan> took;
        lock (_acknowledged)
        {
            took = _acknowledged.Where(a => a.At >= from && a.At <= to).Select(a => a.Took).Order().ToList();
        }

        return took.Count == 0 ? TimeSpan.Zero : took[Math.Min(took.Count - 1, (int)Math.Ceiling(percentile * took.Count) - 1)];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        IDbSession? session = null;
        while (!_stop.IsCancellationRequested)
        {
            session ??= await ConnectToWritableAsync(_bench, _target.Database);
            if (session is null)
            {
                await Task.Delay(2);
                continue;
            }

            try
            {
                var started = _clock.Elapsed;
                await session.ExecuteAsync(_target.Insert, [Interlocked.Increment(ref _next), "written under load"]);
                var at = _clock.Elapsed;
                lock (_acknowledged)
                {
                    _acknowledged.Add((at, at - started));
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

    private static async Task<IDbSession?> ConnectToWritableAsync(BenchPrimary bench, string database)
    {
        var check = bench.Environment.Engine == EngineKind.Postgres
            ? "SELECT CASE WHEN pg_is_in_recovery() THEN 0 ELSE 1 END AS writable"
            : "SELECT CASE WHEN @@read_only = 0 THEN 1 ELSE 0 END AS writable";
        foreach (var node in bench.Environment.Nodes)
        {
            try
            {
                var session = await bench.Engine.ConnectAsync(bench.Engine.AdminTarget(node, bench.Credentials, database), CancellationToken.None);
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
