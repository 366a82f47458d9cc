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
    TimeSpan Duration);
