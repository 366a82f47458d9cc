namespace Orchestrator.Chaos;

/// <summary>One run of the command line: its arguments, how it ended, its output, and when it ran on the run's clock.</summary>
internal sealed record CommandResult(string Display, int ExitCode, string StandardOutput, string StandardError, TimeSpan StartedAt, TimeSpan Duration, bool Killed)
{
    public TimeSpan EndedAt => StartedAt + Duration;
}
