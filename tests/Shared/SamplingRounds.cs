using System.Diagnostics;

namespace Orchestrator.TestSupport;

/// <summary>
/// Asks every node, round after round, whether it accepts writes, and remembers any round in
/// which more than one did at overlapping times: two writable primaries at once, what fencing must prevent. A node
/// that does not answer proves nothing either way, so rounds in which every node answered are
/// counted apart, and whoever reads the result requires enough of them.
/// </summary>
internal sealed class SamplingRounds : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _nodes;
    private readonly Func<string, Task<Answer>> _accepts;
    private readonly TimeSpan _interval;
    private readonly Stopwatch _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<SplitRound> _splitRounds = [];
    private readonly Task _loop;
    private int _rounds;
    private int _completeRounds;
    private int _connectionErrors;

    /// <param name="accepts">Whether a node accepts writes; null when it did not answer. Called for every node at once each round.</param>
    /// <param name="interval">The pause between the end of one round and the start of the next.</param>
    public SamplingRounds(IReadOnlyList<string> nodes, Func<string, Task<bool?>> accepts, TimeSpan interval, Stopwatch clock)
        : this(nodes, async node => new Answer(await accepts(node)), interval, clock)
    {
    }

    /// <param name="answers">Whether a node accepts writes, and when that was decided (on <paramref name="clock"/>). Called for every node at once each round.</param>
    /// <param name="interval">The pause between the end of one round and the start of the next.</param>
    public SamplingRounds(IReadOnlyList<string> nodes, Func<string, Task<Answer>> answers, TimeSpan interval, Stopwatch clock)
    {
        _nodes = nodes;
        _accepts = answers;
        _interval = interval;
        _clock = clock;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// A node's answer, and when it was decided on the sampler's clock: by default the whole ask;
    /// a probe that attempts a write gives the attempt's own interval (not its connection's).
    /// </summary>
    public sealed record Answer(bool? Accepts, TimeSpan? DecidedFrom = null, TimeSpan? DecidedTo = null);

    /// <summary>The interval in which a node's answer was decided, on the sampler's clock.</summary>
    public sealed record Ask(string Node, TimeSpan From, TimeSpan To)
    {
        public override string ToString() => $"{Node} {From.TotalSeconds:0.000}-{To.TotalSeconds:0.000}s";
    }

    /// <summary>A round in which several nodes accepted writes at overlapping times: when it began (on the sampler's clock) and which nodes, with the interval in which each decided.</summary>
    public sealed record SplitRound(TimeSpan At, IReadOnlyList<Ask> Accepted)
    {
        public IReadOnlyList<string> Writable => Accepted.Select(a => a.Node).ToList();

        public override string ToString() => $"{At.TotalSeconds:0.000}s: {string.Join(", ", Accepted)}";
    }

    /// <summary>
    /// The nodes of a round that accepted a write while another did too. Each node decided at some
    /// moment of its interval; two whose intervals do not overlap decided one after the other (a
    /// role change between them, in a round that a reconnecting session stretched beyond the
    /// write-refused window), which is no proof of two primaries. A lasting split shows in
    /// overlapping intervals, since every round asks all nodes at once.
    /// </summary>
    public static IReadOnlyList<Ask> AcceptedTogether(IReadOnlyList<Ask> accepted) =>
        accepted.Where(a => accepted.Any(b => b != a && a.From <= b.To && b.From <= a.To)).ToList();

    public int Rounds => Volatile.Read(ref _rounds);

    /// <summary>Rounds in which every node answered.</summary>
    public int CompleteRounds => Volatile.Read(ref _completeRounds);

    /// <summary>Nodes that could not be asked, summed over all rounds (a stopped or fenced node, a node restarting).</summary>
    public int ConnectionErrors => Volatile.Read(ref _connectionErrors);

    public IReadOnlyList<SplitRound> SplitRounds
    {
        get
        {
            lock (_splitRounds)
            {
                return [.. _splitRounds];
            }
        }
    }

    public string Summary => $"{Rounds} sampling rounds, {CompleteRounds} with every node answering, {ConnectionErrors} unanswered asks, {SplitRounds.Count} with two writable nodes";

    /// <summary>Stops the rounds after the one under way; calling it again does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var began = _clock.Elapsed;
            var answers = await Task.WhenAll(_nodes.Select(async node =>
            {
                var asked = _clock.Elapsed;
                var answer = await _accepts(node);
                return (answer.Accepts, Ask: new Ask(node, answer.DecidedFrom ?? asked, answer.DecidedTo ?? _clock.Elapsed));
            }));
            var writable = AcceptedTogether(answers.Where(a => a.Accepts == true).Select(a => a.Ask).ToList());
            if (writable.Count > 1)
            {
                lock (_splitRounds)
                {
                    _splitRounds.Add(new SplitRound(began, writable));
                }
            }

            var unanswered = answers.Count(a => a.Accepts is null);
            Interlocked.Add(ref _connectionErrors, unanswered);
            if (unanswered == 0)
            {
                Interlocked.Increment(ref _completeRounds);
            }

            Interlocked.Increment(ref _rounds);
            try
            {
                await Task.Delay(_interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopped between rounds.
            }
        }
    }
}
