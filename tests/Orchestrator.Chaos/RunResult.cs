namespace Orchestrator.Chaos;

/// <summary>What one run contributes to the campaign's summary.</summary>
internal sealed record RunResult(
    string Fault,
    bool Passed,
    int Acknowledged,
    int Lost,
    int SplitRounds,
    IReadOnlyList<TimeSpan> Failovers,
    IReadOnlyList<TimeSpan> Switchovers,
    TimeSpan Duration)
{
    /// <summary>Failovers timed from the failover command's start rather than from the fault.</summary>
    public IReadOnlyList<TimeSpan> FailoverCommands { get; init; } = [];

    /// <summary>For a fault that struck a command, where in its work.</summary>
    public string? Step { get; init; }
}
